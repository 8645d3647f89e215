import { Key, type Datastore } from 'interface-datastore'
import { fromBase64Url, toBase64Url } from '../crypto/base64.ts'
import { openFromBox, sealToBox, type BoxKeyPair } from '../crypto/device-box.ts'
import { VAULT_KEY_LENGTH } from '../crypto/vault-key.ts'
import { vaultSigner } from '../crypto/vault-signing.ts'
import { CairnError } from '../errors.ts'
import { loadBoxKey, saveBoxKey } from './device-box-store.ts'
import type { KeyVault } from './key-vault.ts'

/**
 * Hand-overs of a rotated vault key ("Remove and rotate keys"): the new
 * vault key VK' sealed to one remaining device's box key, bound to that
 * device's PeerId and to the old vault id (the one the device knows), as
 * unpadded base64url. Opaque to whoever carries it (sync, the backup peer).
 */
export type SealedHandOver = string

/** A hand-over waiting on this device until its next unlock (stored at PENDING_KEY). */
export interface PendingHandOver {
  /** The vault id of the key the hand-over replaces. */
  oldVault: string
  sealed: SealedHandOver
}

export const PENDING_KEY = new Key('/cairn/devices/handover')
const encoder = new TextEncoder()
const decoder = new TextDecoder()

function context (peerId: string, oldVault: string): string {
  return `cairn/v1/key-handover|${peerId}|${oldVault}`
}

/** VK' sealed to the device `peerId` whose box public key is `boxKey` (base64url). */
export function sealHandOver (newVaultKey: Uint8Array, recipient: { peerId: string, boxKey: string }, oldVault: string): SealedHandOver {
  const publicKey = fromBase64Url(recipient.boxKey)
  if (publicKey === undefined) throw new CairnError('FORMAT_INVALID', `device ${recipient.peerId} has a malformed box key`)
  return toBase64Url(sealToBox(publicKey, newVaultKey, context(recipient.peerId, oldVault)))
}

/** Opens a hand-over meant for `peerId`; HANDOVER_INVALID when it is not for this device, this vault, or was changed. */
export function openHandOver (pair: BoxKeyPair, sealed: SealedHandOver, peerId: string, oldVault: string): Uint8Array {
  const bytes = fromBase64Url(sealed)
  if (bytes === undefined) throw new CairnError('HANDOVER_INVALID', 'the hand-over is not base64url')
  const key = openFromBox(pair, bytes, context(peerId, oldVault))
  if (key.length !== VAULT_KEY_LENGTH) throw new CairnError('HANDOVER_INVALID', 'the hand-over does not hold a vault key')
  return key
}

/** Keeps a hand-over for this device until its next unlock (one at a time: the latest wins). */
export async function storePendingHandOver (datastore: Datastore, pending: PendingHandOver): Promise<void> {
  await datastore.put(PENDING_KEY, encoder.encode(JSON.stringify(pending)))
}

export async function readPendingHandOver (datastore: Datastore): Promise<PendingHandOver | undefined> {
  try {
    const value = JSON.parse(decoder.decode(await datastore.get(PENDING_KEY))) as Partial<PendingHandOver>
    if (typeof value.oldVault !== 'string' || typeof value.sealed !== 'string') return undefined
    return { oldVault: value.oldVault, sealed: value.sealed }
  } catch (err) {
    if ((err as Error).name === 'NotFoundError' || err instanceof SyntaxError) return undefined
    throw new CairnError('STORAGE_FAILED', 'reading the key hand-over failed', { cause: err })
  }
}

/**
 * The new vault key a pending hand-over holds for this device, opened with
 * `vaultKey` (the key it replaces: it unseals this device's box key); or
 * undefined when none waits for `vaultKey`'s vault.
 */
export async function openPendingHandOver (datastore: Datastore, vaultKey: Uint8Array, peerId: string): Promise<Uint8Array | undefined> {
  const pending = await readPendingHandOver(datastore)
  const signer = vaultSigner(vaultKey)
  const vault = signer.vaultId
  signer.wipe()
  if (pending === undefined || pending.oldVault !== vault) return undefined
  const box = await loadBoxKey(datastore, vaultKey)
  if (box === undefined) throw new CairnError('HANDOVER_INVALID', 'this device has no box key to open the hand-over with')
  try {
    return openHandOver(box, pending.sealed, peerId, pending.oldVault)
  } finally {
    box.secretKey.fill(0)
  }
}

/**
 * Unlocking, with a hand-over in mind (KeyVault): opens the vault key with
 * the passphrase; when a hand-over for that key waits, opens it, wraps the
 * new key under the same passphrase (the commit point), re-seals this
 * device's box key under it and drops the hand-over. Returns the key now in
 * force. A crash after the commit leaves a hand-over for a key no longer
 * stored: it is dropped at the next unlock (and a new box key made then, see
 * ensureBoxKey).
 */
export async function unlockWithHandOver (keys: KeyVault, datastore: Datastore, passphrase: string, peerId: string): Promise<Uint8Array> {
  const taken = await unlockTakingHandOver(keys, datastore, passphrase, peerId)
  taken.oldVaultKey?.fill(0)
  return taken.vaultKey
}

/**
 * unlockWithHandOver, also saying whether a hand-over was taken (the key in
 * force changed), or refused: one that does not open (HANDOVER_INVALID) is
 * dropped and the vault opens on the wrapped key, rather than never again.
 * When one was taken, the key it replaced comes too (`oldVaultKey`, to read
 * what was sealed under it once more); the caller wipes it.
 */
export async function unlockTakingHandOver (keys: KeyVault, datastore: Datastore, passphrase: string, peerId: string): Promise<{ vaultKey: Uint8Array, handedOver: boolean, refused?: boolean, oldVaultKey?: Uint8Array }> {
  const vaultKey = await keys.unlock(passphrase)
  const pending = await readPendingHandOver(datastore)
  if (pending === undefined) return { vaultKey, handedOver: false }
  let newKey: Uint8Array | undefined
  try {
    newKey = await openPendingHandOver(datastore, vaultKey, peerId)
  } catch (err) {
    if ((err as { code?: string }).code === 'HANDOVER_INVALID') {
      await datastore.delete(PENDING_KEY)
      return { vaultKey, handedOver: false, refused: true }
    }
    vaultKey.fill(0)
    throw err
  }
  if (newKey === undefined) {
    await datastore.delete(PENDING_KEY)
    return { vaultKey, handedOver: false }
  }
  const box = await loadBoxKey(datastore, vaultKey)
  await keys.replaceKey(vaultKey, newKey, passphrase)
  if (box !== undefined) await saveBoxKey(datastore, newKey, box)
  await datastore.delete(PENDING_KEY)
  return { vaultKey: newKey, handedOver: true, oldVaultKey: vaultKey }
}
