import { ed25519 } from '@noble/curves/ed25519.js'
import { peerIdFromString } from '@libp2p/peer-id'
import { fromBase64Url } from './base64.ts'

/**
 * A device's own word for its box key (DESIGN §3 "Devices"): signed with the
 * device's libp2p Ed25519 key, so any member can check it against the
 * device's PeerId (which embeds the public key). Without it, any member could
 * write another device's box key into the device book and so choose who opens
 * that device's copy of a rotated vault key.
 */
export const BOX_KEY_DOMAIN = 'cairn/device-boxkey/v1'

/** Signs with the device's libp2p key (its PeerId's key). */
export type DeviceSign = (message: Uint8Array) => Promise<Uint8Array>

const encoder = new TextEncoder()
/** Verified signatures, so a book received again and again is not checked again (bounded). */
const verified = new Set<string>()
const MAX_VERIFIED = 4096

/**
 * The signed bytes: domain, PeerId, box key (base64url) and time, joined by
 * NUL. None of the parts can hold a NUL (a fixed name, base58, base64url,
 * digits), so they split one way only.
 */
export function boxKeyMessage (peerId: string, boxKey: string, at: number): Uint8Array {
  return encoder.encode([BOX_KEY_DOMAIN, peerId, boxKey, String(at)].join('\0'))
}

/** True when `signature` (base64url) is `peerId`'s own signature of `boxKey` at `at`; false for anything else, never a throw. */
export function verifyBoxKey (peerId: string, boxKey: string, at: number, signature: string): boolean {
  const memo = JSON.stringify([peerId, boxKey, at, signature])
  if (verified.has(memo)) return true
  let ok = false
  try {
    const id = peerIdFromString(peerId)
    const sig = fromBase64Url(signature)
    // Only an Ed25519 PeerId names a key we can check; others (RSA, secp256k1) are not device ids Cairn makes.
    if (id.type === 'Ed25519' && sig !== undefined && sig.length === 64) {
      ok = ed25519.verify(sig, boxKeyMessage(peerId, boxKey, at), id.publicKey.raw, { zip215: false })
    }
  } catch {
    ok = false
  }
  if (ok) {
    if (verified.size >= MAX_VERIFIED) verified.clear()
    verified.add(memo)
  }
  return ok
}
