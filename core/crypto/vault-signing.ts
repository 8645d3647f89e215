import { ed25519 } from '@noble/curves/ed25519.js'
import { InvalidArgumentError, VaultLockedError } from '../errors.ts'
import { fromBase64Url, toBase64Url } from './base64.ts'
import { deriveSubkey } from './subkeys.ts'

/**
 * The vault signing key (DESIGN §3): an Ed25519 key whose seed is the `sign`
 * subkey of the vault key. Every device that knows VK derives the same key,
 * so its public key names the vault to others (a backup peer) without
 * revealing anything about VK.
 *
 * Every signature is over `domain ‖ 0x00 ‖ payload`, where `domain` names
 * what is signed (e.g. `cairn/v1/backup/manifest`). The key will also sign
 * device certificates and revocation lists, so a signature made for one
 * purpose must never verify as another: the API takes the domain
 * separately rather than trusting every caller to prefix it.
 */
export interface VaultSigner {
  /** base64url (unpadded) of the 32-byte public key: the vault's public name. */
  readonly vaultId: string
  readonly publicKey: Uint8Array
  /** Signs `payload` under `domain`; returns the 64-byte Ed25519 signature. */
  sign: (domain: string, payload: Uint8Array) => Uint8Array
  /** Overwrites the seed (on lock); the signer throws VAULT_LOCKED afterwards. */
  wipe: () => void
}

const encoder = new TextEncoder()
const DOMAIN = /^cairn\/v1\/[a-z0-9/-]+$/

/** The exact bytes a signature covers. */
export function signedMessage (domain: string, payload: Uint8Array): Uint8Array {
  // The domain is a fixed ASCII name without NUL, so `domain ‖ 0 ‖ payload`
  // splits one way only.
  if (!DOMAIN.test(domain)) throw new InvalidArgumentError('a signing domain looks like cairn/v1/<purpose>')
  const head = encoder.encode(domain)
  const out = new Uint8Array(head.length + 1 + payload.length)
  out.set(head, 0)
  out.set(payload, head.length + 1)
  return out
}

/** The signing key of the vault whose key is `vaultKey` (the signer keeps its own copy of the seed). */
export function vaultSigner (vaultKey: Uint8Array): VaultSigner {
  const seed = deriveSubkey(vaultKey, 'sign')
  const publicKey = ed25519.getPublicKey(seed)
  let wiped = false
  return {
    vaultId: toBase64Url(publicKey),
    publicKey,
    sign (domain, payload) {
      if (wiped) throw new VaultLockedError('the vault signing key was wiped')
      return ed25519.sign(signedMessage(domain, payload), seed)
    },
    wipe () {
      seed.fill(0)
      wiped = true
    }
  }
}

/**
 * True when `signature` is the vault `vaultId`'s signature of `payload`
 * under `domain`. Strict RFC 8032 checks (not ZIP-215), so one message has
 * one valid signature encoding. A malformed id or signature is just false.
 */
export function verifyVaultSignature (vaultId: string, domain: string, payload: Uint8Array, signature: Uint8Array): boolean {
  const publicKey = vaultPublicKey(vaultId)
  if (publicKey === undefined || signature.length !== 64) return false
  try {
    return ed25519.verify(signature, signedMessage(domain, payload), publicKey, { zip215: false })
  } catch {
    return false
  }
}

/** The public key a vault id names, or undefined when it is not one. */
export function vaultPublicKey (vaultId: string): Uint8Array | undefined {
  if (typeof vaultId !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(vaultId)) return undefined
  const bytes = fromBase64Url(vaultId)
  if (bytes === undefined || bytes.length !== 32) return undefined
  return bytes
}
