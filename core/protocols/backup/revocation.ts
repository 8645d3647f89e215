import { fromBase64Url, toBase64Url } from '../../crypto/base64.ts'
import { verifyVaultSignature, type VaultSigner } from '../../crypto/vault-signing.ts'
import { FormatInvalidError } from '../../errors.ts'
import { isDeviceId } from '../../index/ops.ts'
import { canonicalJson } from './request-signing.ts'

/**
 * The vault's revocation list (DESIGN §3 "Devices"): the PeerIds of removed
 * devices, signed with the vault signing key, so a backup peer (or another
 * device) that cannot read the device book still knows whom to refuse.
 * Every list carries the whole set so far and a `seq` one higher than the
 * last; a holder keeps the union of what it has seen and ignores a list
 * whose seq is not higher (a replayed older list un-revokes no one).
 */
export interface RevocationList {
  /** Format version. */
  v: typeof REVOCATION_VERSION
  /** The vault id (base64url of its signing public key). */
  vault: string
  seq: number
  /** ms since epoch the list was signed. */
  issuedAt: number
  /** Revoked device PeerIds, sorted, no repeats. */
  revoked: string[]
}

export interface SignedRevocationList extends RevocationList {
  /** base64url Ed25519 signature under REVOCATION_DOMAIN over the other fields (canonical JSON). */
  sig: string
}

export const REVOCATION_VERSION = 1
export const REVOCATION_DOMAIN = 'cairn/v1/revocation'
/** Most devices one list names (the device book holds at most 1000). */
export const MAX_REVOKED = 1000

const encoder = new TextEncoder()
const KEYS = ['v', 'vault', 'seq', 'issuedAt', 'revoked', 'sig']

function payload (list: RevocationList): Uint8Array {
  const { v, vault, seq, issuedAt, revoked } = list
  return encoder.encode(canonicalJson({ v, vault, seq, issuedAt, revoked }))
}

/** Signs a list of `revoked` (any order, repeats dropped) as the vault's list number `seq`. */
export function signRevocationList (signer: VaultSigner, revoked: Iterable<string>, seq: number, issuedAt = Date.now()): SignedRevocationList {
  const list: RevocationList = { v: REVOCATION_VERSION, vault: signer.vaultId, seq, issuedAt, revoked: [...new Set(revoked)].sort() }
  checkFields(list)
  return { ...list, sig: toBase64Url(signer.sign(REVOCATION_DOMAIN, payload(list))) }
}

/**
 * Checks a received list's shape strictly (exact fields, sorted unique
 * device ids, at most MAX_REVOKED); FORMAT_INVALID otherwise. Its signature
 * is checked apart (verifyRevocationList), so callers pick their own code.
 */
export function parseRevocationList (value: unknown): SignedRevocationList {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FormatInvalidError('a revocation list must be an object')
  const v = value as Record<string, unknown>
  for (const key of Object.keys(v)) if (!KEYS.includes(key)) throw new FormatInvalidError(`a revocation list has no field ${key}`)
  if (typeof v.sig !== 'string' || v.sig.length !== 86) throw new FormatInvalidError('a revocation list carries a base64url signature')
  checkFields(v)
  return v as unknown as SignedRevocationList
}

/** True when the list carries its vault's valid signature. */
export function verifyRevocationList (list: SignedRevocationList): boolean {
  const sig = fromBase64Url(list.sig)
  return sig !== undefined && verifyVaultSignature(list.vault, REVOCATION_DOMAIN, payload(list), sig)
}

function checkFields (v: Record<string, unknown> | RevocationList): void {
  const r = v as Record<string, unknown>
  if (r.v !== REVOCATION_VERSION) throw new FormatInvalidError(`revocation list version ${String(r.v)} is not supported`)
  if (typeof r.vault !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(r.vault)) throw new FormatInvalidError('a revocation list names its vault')
  if (!Number.isSafeInteger(r.seq) || (r.seq as number) < 1) throw new FormatInvalidError('a revocation list seq is a positive integer')
  if (!Number.isSafeInteger(r.issuedAt) || (r.issuedAt as number) < 0) throw new FormatInvalidError('a revocation list issuedAt is a time in ms')
  const revoked = r.revoked
  if (!Array.isArray(revoked) || revoked.length > MAX_REVOKED) throw new FormatInvalidError(`a revocation list names at most ${MAX_REVOKED} devices`)
  for (let i = 0; i < revoked.length; i++) {
    if (!isDeviceId(revoked[i])) throw new FormatInvalidError('a revocation list names device ids')
    if (i > 0 && !((revoked[i - 1] as string) < (revoked[i] as string))) throw new FormatInvalidError('a revocation list is sorted, without repeats')
  }
}

/** What a holder keeps of a vault's lists: the highest seq seen and the union of every list it accepted. */
export interface StoredRevocation {
  seq: number
  issuedAt: number
  revoked: string[]
}

/**
 * The holder's state after `list` (already verified, for the same vault):
 * undefined when its seq is not above the stored one (ignored: a replay or
 * a stale copy); otherwise the higher seq and the union, capped.
 */
export function applyRevocation (stored: StoredRevocation | undefined, list: RevocationList): StoredRevocation | undefined {
  if (stored !== undefined && list.seq <= stored.seq) return undefined
  const revoked = [...new Set([...(stored?.revoked ?? []), ...list.revoked])].sort()
  if (revoked.length > MAX_REVOKED) throw new FormatInvalidError(`a vault may revoke at most ${MAX_REVOKED} devices`)
  return { seq: list.seq, issuedAt: list.issuedAt, revoked }
}

/** True when `peer` is on the stored list. */
export function isRevokedIn (stored: StoredRevocation | undefined, peer: string): boolean {
  return stored?.revoked.includes(peer) ?? false
}
