import { equalBytes } from '@noble/ciphers/utils.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { CID } from 'multiformats/cid'
import { fromBase64, toBase64 } from '../crypto/base64.ts'
import { CairnError } from '../errors.ts'
import { isDeviceId } from './ops.ts'

/**
 * Authenticated chain heads (DESIGN §5): every head that is stored (the
 * datastore, the backup peer) or received (sync, restore) carries
 * HMAC-SHA256 under a key derived from the index subkey, over the format
 * version, the device, the block CID and the seq. Whoever lacks the vault key
 * (a backup peer, a damaged store) cannot make one, so it cannot point a
 * device's chain at another block or claim another seq; an older head it
 * replays is caught by comparing seqs with the head already known.
 */

/** Head format version the MAC covers (v1 heads had no MAC). */
export const HEAD_FORMAT_VERSION = 2

/** HKDF info of the head MAC key (its own purpose: never the sealing key itself). */
const HEAD_MAC_INFO = 'cairn/v1/index-head-mac'
/** Domain label inside every MAC'd message. */
const HEAD_MAC_DOMAIN = 'cairn/v1/index-head'

const encoder = new TextEncoder()

/** A head as it travels and is stored: `{cid, seq, mac}` (mac: unpadded base64 of 32 bytes). */
export interface SignedHead {
  cid: string
  seq: number
  mac: string
}

/** The head MAC key of an index subkey. */
export function headMacKey (indexKey: Uint8Array): Uint8Array {
  return hkdf(sha256, indexKey, undefined, encoder.encode(HEAD_MAC_INFO), 32)
}

function macInput (device: string, cid: string, seq: number): Uint8Array {
  // JSON of an array: unambiguous field boundaries, whatever the strings hold.
  return encoder.encode(JSON.stringify([HEAD_MAC_DOMAIN, HEAD_FORMAT_VERSION, device, cid, seq]))
}

/** MACs one device's head. */
export function signHead (macKey: Uint8Array, device: string, head: { cid: CID, seq: number }): SignedHead {
  const cid = head.cid.toString()
  return { cid, seq: head.seq, mac: toBase64(hmac(sha256, macKey, macInput(device, cid, head.seq))) }
}

/** True when `value` has the shape of a SignedHead (fields not yet checked). */
export function isSignedHeadShape (value: unknown): value is SignedHead {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.cid === 'string' && Number.isSafeInteger(v.seq) && typeof v.mac === 'string'
}

/**
 * Checks a head's MAC and fields; returns it with its CID parsed. A head
 * without a MAC throws INDEX_HEAD_UNAUTHENTICATED; a wrong MAC (another
 * vault, another device, a changed cid or seq) INDEX_HEAD_FORGED.
 */
export function verifyHead (macKey: Uint8Array, device: string, value: unknown): { cid: CID, seq: number } {
  if (typeof value === 'object' && value !== null && (value as Record<string, unknown>).mac === undefined) {
    throw new CairnError('INDEX_HEAD_UNAUTHENTICATED', `the index head of device ${device} carries no MAC`)
  }
  if (!isDeviceId(device) || !isSignedHeadShape(value) || value.seq < 1) {
    throw new CairnError('INDEX_HEAD_FORGED', `the index head of device ${device} is malformed`)
  }
  let mac: Uint8Array
  let cid: CID
  try {
    mac = fromBase64(value.mac, 'INDEX_HEAD_FORGED')
    cid = CID.parse(value.cid)
  } catch (err) {
    throw new CairnError('INDEX_HEAD_FORGED', `the index head of device ${device} is malformed`, { cause: err })
  }
  const expected = hmac(sha256, macKey, macInput(device, value.cid, value.seq))
  if (mac.length !== expected.length || !equalBytes(mac, expected) || cid.toString() !== value.cid) {
    throw new CairnError('INDEX_HEAD_FORGED', `the index head of device ${device} does not carry this vault's MAC`)
  }
  return { cid, seq: value.seq }
}
