import { equalBytes } from '@noble/ciphers/utils.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { fromBase64, toBase64 } from '../../crypto/base64.ts'
import { SYNC_NONCE_BYTES, SYNC_VERSION } from './constants.ts'

/**
 * Proof of vault membership in the sync hello (DESIGN §5): each side MACs
 * the session transcript under the sync key, a key only holders of the vault
 * key can derive. The transcript names its role, both PeerIds (as the Noise
 * handshake authenticated them: a relay in the middle sees other PeerIds, so
 * its proofs do not check), and both fresh nonces, so a proof is good for
 * one session, one direction and one pair of devices: a replay fails.
 */

const encoder = new TextEncoder()
const SYNC_KEY_INFO = 'cairn/v1/sync-hello'
const TRANSCRIPT_DOMAIN = 'cairn/v1/sync-hello-proof'

export type SyncRole = 'initiator' | 'responder'

/** The sync key of an index subkey (`deriveSubkey(vaultKey, 'index')`); HKDF with its own label. */
export function deriveSyncKey (indexKey: Uint8Array): Uint8Array {
  return hkdf(sha256, indexKey, undefined, encoder.encode(SYNC_KEY_INFO), 32)
}

/** A fresh hello nonce, as base64. */
export function newNonce (): string {
  return toBase64(globalThis.crypto.getRandomValues(new Uint8Array(SYNC_NONCE_BYTES)))
}

/** True when `text` is a well-formed nonce. */
export function isNonce (text: unknown): text is string {
  try {
    return typeof text === 'string' && fromBase64(text).length === SYNC_NONCE_BYTES
  } catch {
    return false
  }
}

export interface Transcript {
  initiator: string
  responder: string
  initiatorNonce: string
  responderNonce: string
}

function transcriptBytes (role: SyncRole, t: Transcript): Uint8Array {
  return encoder.encode(JSON.stringify([TRANSCRIPT_DOMAIN, SYNC_VERSION, role, t.initiator, t.responder, t.initiatorNonce, t.responderNonce]))
}

/** The proof `role` sends. */
export function helloProof (syncKey: Uint8Array, role: SyncRole, t: Transcript): string {
  return toBase64(hmac(sha256, syncKey, transcriptBytes(role, t)))
}

/** True when `proof` is what a member in `role` would send for this transcript. */
export function checkHelloProof (syncKey: Uint8Array, role: SyncRole, t: Transcript, proof: unknown): boolean {
  if (typeof proof !== 'string') return false
  let given: Uint8Array
  try {
    given = fromBase64(proof)
  } catch {
    return false
  }
  const expected = hmac(sha256, syncKey, transcriptBytes(role, t))
  return given.length === expected.length && equalBytes(given, expected)
}
