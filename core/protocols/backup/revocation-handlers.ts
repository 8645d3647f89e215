import { CairnError } from '../../errors.ts'
import { encodeRecord, itemKey, vaultKey } from './peer-store.ts'
import { verifyRekeyNewSignature } from './rekey-signing.ts'
import { short } from './replicator.ts'
import { applyRevocation, isRevokedIn, verifyRevocationList } from './revocation.ts'
import type { BackupResponse, HandoverRequest, RekeyRequest, RevokeRequest } from './messages.ts'
import type { RotatedVault, RotationBook } from './rotation-book.ts'
import type { VaultLedger } from './vault-ledger.ts'
import type { Log } from '../../log.ts'
import type { Datastore } from 'interface-datastore'

export interface RevocationHandlerComponents {
  datastore: Datastore
  log: Log
  ledger: VaultLedger
  rotations: RotationBook
  serial: <T>(fn: () => Promise<T>) => Promise<T>
  now: () => number
}

/** True when `peer` is a revoked device of `vault` (a live vault, or one rotated away). */
export function isRevokedPeer (components: Pick<RevocationHandlerComponents, 'ledger' | 'rotations'>, vault: string, peer: string): boolean {
  const revocation = components.ledger.get(vault)?.record.revocation ?? components.rotations.get(vault)?.revocation
  return isRevokedIn(revocation, peer)
}

/** DEVICE_REVOKED when the connection's peer is revoked by the vault. */
export function refuseRevoked (components: Pick<RevocationHandlerComponents, 'ledger' | 'rotations'>, vault: string, peer: string): void {
  if (isRevokedPeer(components, vault, peer)) throw new CairnError('DEVICE_REVOKED', `device ${peer} was removed from this vault`)
}

/** Stores a newer revocation list; an older or equal seq changes nothing (no un-revoking by replay). */
export async function handleRevoke (c: RevocationHandlerComponents, request: RevokeRequest): Promise<BackupResponse<'revoke'>> {
  if (!verifyRevocationList(request.list)) throw new CairnError('BAD_SIGNATURE', 'the revocation list is not signed by the vault')
  return await c.serial(async () => {
    const entry = c.ledger.get(request.vault)
    if (entry === undefined) throw new CairnError('NOT_PAIRED', 'this vault is not paired with the peer')
    const next = applyRevocation(entry.record.revocation, request.list)
    if (next === undefined) return { ok: true, seq: entry.record.revocation?.seq ?? 0, applied: false }
    const record = { ...entry.record, revocation: next }
    await c.datastore.put(vaultKey(request.vault), encodeRecord(record))
    entry.record.revocation = next
    c.log.info(`backup: revocation list ${next.seq} of vault ${short(request.vault)}: ${next.revoked.length} device(s) revoked`)
    return { ok: true, seq: next.seq, applied: true }
  })
}

/**
 * Moves a paired vault to its new signing key (RekeyRequest): its items,
 * quota and manifest seqs follow; its index heads and sealed peer list do
 * not (they were made under the old key; the devices send new ones). The
 * old id is kept as a RotatedVault: the hand-overs for the remaining
 * devices, and the old list, so a revoked device still gets nothing; of the
 * vault's older ids, only the newest MAX_ROTATIONS_KEPT stay (RotationBook).
 * The caller checked the old key's signature and that the sender is not revoked.
 */
export async function handleRekey (c: RevocationHandlerComponents, request: RekeyRequest): Promise<BackupResponse<'rekey'>> {
  if (!verifyRekeyNewSignature(request)) throw new CairnError('BAD_SIGNATURE', 'the new vault key did not sign the rekey')
  if (!verifyRevocationList(request.revocation)) throw new CairnError('BAD_SIGNATURE', 'the new vault\'s revocation list is not signed by it')
  return await c.serial(async () => {
    const entry = c.ledger.get(request.vault)
    if (entry === undefined) throw new CairnError('NOT_PAIRED', 'this vault is not paired with the peer')
    if (c.ledger.get(request.newVault) !== undefined) throw new CairnError('VAULT_EXISTS', 'the new vault key is already paired with this peer')
    // A key the vault had before: moving back to it would tie its chain of old ids in a loop.
    if (c.rotations.get(request.newVault) !== undefined) throw new CairnError('VAULT_EXISTS', 'the new vault key was used here before and rotated away')
    const old = entry.record
    const revocation = applyRevocation(undefined, request.revocation)
    const record = { ...old, vault: request.newVault, heads: {}, ...(revocation !== undefined ? { revocation } : {}) }
    delete record.peers
    const rotated: RotatedVault = { vault: request.vault, to: request.newVault, at: c.now(), handovers: { ...request.handovers } }
    if (old.revocation !== undefined) rotated.revocation = old.revocation
    const batch = c.datastore.batch()
    batch.delete(vaultKey(request.vault))
    batch.put(vaultKey(request.newVault), encodeRecord(record))
    for (const item of entry.items.values()) {
      batch.delete(itemKey(request.vault, item.cid))
      batch.put(itemKey(request.newVault, item.cid), encodeRecord({ ...item, vault: request.newVault }))
    }
    const forgotten = c.rotations.write(batch, rotated)
    await batch.commit()
    // Items are shared with the replicator, which writes them back by item.vault: rename in place.
    for (const item of entry.items.values()) item.vault = request.newVault
    c.ledger.vaults.delete(request.vault)
    c.ledger.vaults.set(request.newVault, { record, items: entry.items })
    c.rotations.remember(rotated, forgotten)
    const dropped = forgotten.length > 0 ? `; ${forgotten.length} older id(s) of the vault forgotten, their hand-overs with them` : ''
    c.log.info(`backup: vault ${short(request.vault)} moved to its new key ${short(request.newVault)} (${entry.items.size} roots, ${Object.keys(rotated.handovers).length} hand-over(s))${dropped}`)
    return { ok: true, moved: true }
  })
}

/**
 * Under a rotated vault id, a remaining device (its old-key signature
 * checked, its PeerId not revoked) may fetch the hand-over sealed to it;
 * every other request learns the vault was rotated (VAULT_ROTATED).
 */
export function handleRotated (rotated: RotatedVault, kind: string, peer: string): BackupResponse<'handover'> {
  if (isRevokedIn(rotated.revocation, peer)) throw new CairnError('DEVICE_REVOKED', `device ${peer} was removed from this vault`)
  if (kind !== 'handover') throw new CairnError('VAULT_ROTATED', 'this vault moved to a new key; fetch the hand-over and unlock again')
  return { ok: true, sealed: rotated.handovers[peer] ?? null, vault: rotated.to }
}

/** A `handover` request under a live vault: nothing is waiting. */
export function noHandover (request: HandoverRequest): BackupResponse<'handover'> {
  return { ok: true, sealed: null, vault: request.vault }
}
