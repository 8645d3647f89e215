import { fromBase64Url, toBase64Url } from '../../crypto/base64.ts'
import { verifyVaultSignature, type VaultSigner } from '../../crypto/vault-signing.ts'
import { BACKUP_WIRE_VERSION } from './constants.ts'
import { requestDomain, requestPayload } from './request-signing.ts'
import type { SignedRevocationList } from './revocation.ts'
import type { RekeyRequest } from './messages.ts'

/** The new key's signature on a rekey is under this domain (the old key's is the envelope's, `cairn/v1/backup/rekey`). */
export const REKEY_NEW_DOMAIN = 'cairn/v1/backup/rekey-new'

/** What a rekey carries besides its envelope. */
export interface RekeyFields {
  revocation: SignedRevocationList
  handovers?: Record<string, string>
}

/**
 * A rekey request for `peer`, signed by both keys: the new key signs every
 * field but the two signatures (the peer, time and nonce included, so it
 * endorses this one request to this one peer), then the old key signs
 * everything but its own signature, the new key's included.
 */
export function signRekeyRequest (oldSigner: VaultSigner, newSigner: VaultSigner, peer: string, fields: RekeyFields, now = Date.now()): RekeyRequest {
  const unsigned: Omit<RekeyRequest, 'sig' | 'newSig'> = {
    v: BACKUP_WIRE_VERSION,
    kind: 'rekey',
    vault: oldSigner.vaultId,
    peer,
    ts: now,
    nonce: toBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(16))),
    newVault: newSigner.vaultId,
    revocation: fields.revocation,
    ...(fields.handovers !== undefined ? { handovers: fields.handovers } : {})
  }
  const newSig = toBase64Url(newSigner.sign(REKEY_NEW_DOMAIN, requestPayload(unsigned as RekeyRequest)))
  const withNew = { ...unsigned, newSig }
  const sig = toBase64Url(oldSigner.sign(requestDomain('rekey'), requestPayload(withNew as RekeyRequest)))
  return { ...withNew, sig }
}

/** True when the new vault's key signed the request (the old key's signature is checked like any request's). */
export function verifyRekeyNewSignature (request: RekeyRequest): boolean {
  const sig = fromBase64Url(request.newSig)
  if (sig === undefined) return false
  const { newSig, ...rest } = request
  void newSig
  return verifyVaultSignature(request.newVault, REKEY_NEW_DOMAIN, requestPayload(rest as RekeyRequest), sig)
}
