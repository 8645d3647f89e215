import type { Datastore } from 'interface-datastore'
import { openSecret, sealSecret } from '../crypto/secretbox.ts'

/** Every folder sync record (the list of folders, each folder's scan state) lives under this prefix. */
export const FOLDER_SYNC_PREFIX = '/cairn/folder-sync/'

/**
 * "Remove and rotate keys": folder sync's records sealed again under the new
 * key's `folders` subkey, so the synced folders keep going. A record that
 * does not open under the old key is left as it is (it counts as none).
 */
export async function resealFolderSync (datastore: Datastore, oldFoldersKey: Uint8Array, newFoldersKey: Uint8Array): Promise<void> {
  for await (const { key, value } of datastore.query({ prefix: FOLDER_SYNC_PREFIX })) {
    const aad = new TextEncoder().encode(key.toString())
    let plain: Uint8Array
    try {
      plain = openSecret(oldFoldersKey, value, aad, 'INDEX_RECORD_TAMPERED')
    } catch {
      continue
    }
    await datastore.put(key, sealSecret(newFoldersKey, plain, aad))
    plain.fill(0)
  }
}
