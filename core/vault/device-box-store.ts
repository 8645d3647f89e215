import { Key, type Datastore } from 'interface-datastore'
import { boxPublicKey, newBoxKeyPair, type BoxKeyPair } from '../crypto/device-box.ts'
import { openSecret, sealSecret } from '../crypto/secretbox.ts'
import { deriveSubkey } from '../crypto/subkeys.ts'
import { CairnError } from '../errors.ts'

/**
 * This device's box key pair (core/crypto/device-box.ts): the secret half is
 * kept in the device's datastore sealed under the `device-box` subkey of the
 * vault key, so the datastore alone (without the passphrase) does not open a
 * hand-over meant for this device. Its public half goes in this device's
 * record in the device book (`boxKey`).
 */
export const BOX_KEY_KEY = new Key('/cairn/devices/box-key')
const AAD = new TextEncoder().encode('cairn/v1/device-box-key')

/** The stored pair, or undefined when there is none or it was sealed under another vault key (then make a new one). */
export async function loadBoxKey (datastore: Datastore, vaultKey: Uint8Array): Promise<BoxKeyPair | undefined> {
  let sealed: Uint8Array
  try {
    sealed = await datastore.get(BOX_KEY_KEY)
  } catch (err) {
    if ((err as Error).name === 'NotFoundError') return undefined
    throw new CairnError('STORAGE_FAILED', 'reading the device box key failed', { cause: err })
  }
  const key = deriveSubkey(vaultKey, 'device-box')
  try {
    const secretKey = openSecret(key, sealed, AAD, 'HANDOVER_INVALID')
    return { secretKey, publicKey: boxPublicKey(secretKey) }
  } catch {
    return undefined
  } finally {
    key.fill(0)
  }
}

/** Seals the pair's secret under `vaultKey` and stores it (replacing any). */
export async function saveBoxKey (datastore: Datastore, vaultKey: Uint8Array, pair: BoxKeyPair): Promise<void> {
  const key = deriveSubkey(vaultKey, 'device-box')
  try {
    await datastore.put(BOX_KEY_KEY, sealSecret(key, pair.secretKey, AAD))
  } finally {
    key.fill(0)
  }
}

/**
 * This device's box key pair, made and stored when there is none (or the
 * stored one was sealed under a vault key no longer current); `created` says
 * so, and then the device book's record needs the new `boxKey`.
 */
export async function ensureBoxKey (datastore: Datastore, vaultKey: Uint8Array): Promise<BoxKeyPair & { created: boolean }> {
  const stored = await loadBoxKey(datastore, vaultKey)
  if (stored !== undefined) return { ...stored, created: false }
  const pair = newBoxKeyPair()
  await saveBoxKey(datastore, vaultKey, pair)
  return { ...pair, created: true }
}
