import { fromBase64Url, toBase64Url } from '../../crypto/base64.ts'
import { verifyVaultSignature, type VaultSigner } from '../../crypto/vault-signing.ts'
import { BACKUP_WIRE_VERSION, SIGNING_DOMAIN_PREFIX } from './constants.ts'
import type { BackupRequest, RequestKind } from './messages.ts'

const encoder = new TextEncoder()

/**
 * JSON with object keys sorted at every level and no whitespace, so the
 * signer and the verifier turn one request into the same bytes whatever
 * order its fields were built or parsed in.
 */
export function canonicalJson (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** The bytes a request's signature covers: every field but `sig`, canonically. */
export function requestPayload (request: Omit<BackupRequest, 'sig'> & { sig?: string }): Uint8Array {
  const { sig, ...rest } = request
  void sig
  return encoder.encode(canonicalJson(rest))
}

/** The signing domain of one request kind, e.g. `cairn/v1/backup/manifest`. */
export function requestDomain (kind: RequestKind): string {
  return SIGNING_DOMAIN_PREFIX + kind
}

/** Fields of a request before its envelope is added (the kind-specific ones). */
export type RequestFields<R extends BackupRequest> = Omit<R, 'v' | 'kind' | 'vault' | 'peer' | 'ts' | 'nonce' | 'sig'>

/**
 * Builds and signs a request for the peer `peer` (its PeerId string): a
 * fresh timestamp and nonce, the vault id, and the signature over the rest.
 */
export function signRequest<R extends BackupRequest> (signer: VaultSigner, peer: string, kind: R['kind'], fields: RequestFields<R>, now = Date.now()): R {
  const unsigned = {
    ...fields,
    v: BACKUP_WIRE_VERSION,
    kind,
    vault: signer.vaultId,
    peer,
    ts: now,
    nonce: toBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(16)))
  }
  const sig = toBase64Url(signer.sign(requestDomain(kind), requestPayload(unsigned as unknown as BackupRequest)))
  return { ...unsigned, sig } as unknown as R
}

/** True when the request carries its vault's valid signature. */
export function verifyRequestSignature (request: BackupRequest): boolean {
  const sig = fromBase64Url(request.sig)
  if (sig === undefined) return false
  return verifyVaultSignature(request.vault, requestDomain(request.kind), requestPayload(request), sig)
}
