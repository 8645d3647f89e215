import type { Datastore } from 'interface-datastore'
import { deriveSubkey } from '../crypto/subkeys.ts'
import { ShareStore } from '../share/share-store.ts'
import { resealKeepRules } from './keep-rules.ts'
import { resealFolderSync } from '../folder-sync/reseal-folder-sync.ts'

/**
 * "Remove and rotate keys" (DESIGN §3): what this device keeps sealed under
 * subkeys of the vault key, besides the index (reseal.ts), the device book
 * (saved again by device-removal.ts) and the box key (re-sealed at the next
 * unlock, key-handover.ts), sealed again under the new key's subkeys: the
 * list of shares (their links hold share keys) and the "Keep on this device"
 * rules, and the synced folders (their list and scan states). The sealed peer list needs nothing here: backup publishes it again
 * under the new `peers` subkey when it re-attaches.
 */
export async function resealVaultData (datastore: Datastore, oldKey: Uint8Array, newKey: Uint8Array): Promise<void> {
  const keys = {
    oldShares: deriveSubkey(oldKey, 'shares'),
    newShares: deriveSubkey(newKey, 'shares'),
    oldKeep: deriveSubkey(oldKey, 'keep'),
    newKeep: deriveSubkey(newKey, 'keep'),
    oldFolders: deriveSubkey(oldKey, 'folders'),
    newFolders: deriveSubkey(newKey, 'folders')
  }
  try {
    const records = await new ShareStore(datastore, keys.oldShares).list()
    const resealed = new ShareStore(datastore, keys.newShares)
    for (const record of records) await resealed.add(record)
    await resealKeepRules(datastore, keys.oldKeep, keys.newKeep)
    await resealFolderSync(datastore, keys.oldFolders, keys.newFolders)
  } finally {
    for (const key of Object.values(keys)) key.fill(0)
  }
}
