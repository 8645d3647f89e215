import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'

/**
 * Purposes a vault key is split into (DESIGN §3). Each gets its own HKDF-SHA256
 * subkey with info `cairn/v1/<purpose>`, so no key is ever used for two jobs.
 */
export type SubkeyPurpose = 'index' | 'dedup' | 'sign' | 'key-check' | 'shares' | 'peers' | 'devices' | 'keep' | 'device-box' | 'folders' | 'uploads'

const encoder = new TextEncoder()

/** Derives the 32-byte subkey of `vaultKey` for one purpose. */
export function deriveSubkey (vaultKey: Uint8Array, purpose: SubkeyPurpose, length = 32): Uint8Array {
  return hkdf(sha256, vaultKey, undefined, encoder.encode(`cairn/v1/${purpose}`), length)
}
