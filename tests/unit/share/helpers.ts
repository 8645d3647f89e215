import assert from 'node:assert/strict'
import { CID } from 'multiformats/cid'
import { isCairnError, type ErrorCode } from '../../../core/errors.ts'

/** A dag-pb CIDv1 like the root of a stored encrypted file. */
export const SAMPLE_CID = CID.parse('bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi')
const PEER_A = '12D3KooWHFrmLWTTDD4NodngtRMEVYgxrsDbcxqn4DzaFhjUXH3E'
const PEER_B = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
/** The backup peer reached through the relay. */
export const RELAYED_HINT = `/ip4/127.0.0.1/tcp/4101/ws/p2p/${PEER_A}/p2p-circuit/p2p/${PEER_B}`
/** The backup peer reached directly. */
export const DIRECT_HINT = `/ip4/192.168.1.20/tcp/4102/ws/p2p/${PEER_B}`

export function fixedKey (fill: number): Uint8Array {
  return new Uint8Array(32).fill(fill)
}

export const hex = (bytes: Uint8Array): string => Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')
export const fromHex = (text: string): Uint8Array => Uint8Array.from(text.match(/../g) ?? [], h => Number.parseInt(h, 16))

/** True when `needle` occurs anywhere in `haystack`. */
export function containsBytes (haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}

/** Asserts that `fn` throws a CairnError with `code`. */
export function assertCode (fn: () => unknown, code: ErrorCode, what = ''): void {
  assert.throws(fn, (err: unknown) => isCairnError(err, code), `${what} should fail with ${code}`)
}
