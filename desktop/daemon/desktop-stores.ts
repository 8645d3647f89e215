import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { PackBlockstore } from '../../core/storage/pack-blockstore.ts'
import { createFsBlockstore } from '../../relay-server/storage/fs-blockstore.ts'
import { SqliteDatastore } from '../../relay-server/storage/sqlite-datastore.ts'
import type { Log } from '../../core/log.ts'

/** The desktop's stores: what the browser keeps in OPFS and IndexedDB, on the real disk. */
export interface DesktopStores {
  blockstore: PackBlockstore
  datastore: SqliteDatastore
  storedBytes: () => number
  stop: () => Promise<void>
}

/**
 * Blocks in pack files (the browser's on-disk format, DESIGN §2) under
 * `<dataDir>/vault/blocks`, small records in SQLite at
 * `<dataDir>/vault/datastore.sqlite`; both only the user can read.
 */
export async function openDesktopStores (dataDir: string, log: Log): Promise<DesktopStores> {
  const dir = join(dataDir, 'vault')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const datastore = new SqliteDatastore({ path: join(dir, 'datastore.sqlite') })
  await datastore.open()
  let blockstore: PackBlockstore
  try {
    blockstore = await createFsBlockstore(join(dir, 'blocks'))
  } catch (err) {
    await datastore.close()
    throw err
  }
  const recovery = blockstore.recovery
  if (recovery !== undefined && (recovery.droppedRecords > 0 || recovery.truncatedPackBytes > 0 || recovery.truncatedJournalBytes > 0)) {
    log.warn(`repaired the block store after an unclean stop: ${recovery.droppedRecords} records dropped, ${recovery.truncatedPackBytes + recovery.truncatedJournalBytes} bytes cut`)
  }
  if (recovery !== undefined && recovery.salvagedJournals.length > 0) log.warn(`rebuilt lost records of ${recovery.salvagedJournals.join(', ')} from the saved index: ${recovery.salvagedBlocks} blocks kept`)
  if (recovery !== undefined && recovery.repairedHeaders.length > 0) log.warn(`mended the damaged header of ${recovery.repairedHeaders.join(', ')} in the block store`)
  return {
    blockstore,
    datastore,
    storedBytes: () => blockstore.stats().bytes,
    stop: async () => {
      await blockstore.stop()
      await datastore.close()
    }
  }
}
