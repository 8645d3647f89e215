import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { IndexLog } from '../../../core/index/index-log.ts'
import { VaultFiles } from '../../../core/vault/vault-files.ts'
import { key } from '../index/fixtures.ts'
import { hashTag } from './share-test-support.ts'

export const T0 = Date.UTC(2024, 2, 3, 12)
export const LAPTOP = '12D3KooWLaptopAAAAAA'
export const PHONE = '12D3KooWPhoneBBBBBB'

type Stores = { blockstore: MemoryBlockstore, datastore: MemoryDatastore }

async function device (stores: Stores, deviceId: string, now: number): Promise<{ log: IndexLog, files: VaultFiles }> {
  const log = new IndexLog(stores, { indexKey: key(9), deviceId, now: () => now })
  await log.start()
  return { log, files: new VaultFiles(stores.blockstore, log, new Uint8Array(32).fill(7), hashTag, new AbortController().signal) }
}

const save = async (files: VaultFiles, content: string): Promise<void> => {
  await files.add({ file: new Blob([content]), path: 'notes/plan.txt', mtime: T0, type: 'text/plain' })
}

/**
 * Both devices know notes/plan.txt ("first draft"), then each edits it while
 * apart ("laptop edit", then "phone edit", later by the clock): the laptop
 * then sees the merged log, the phone's edit as the file and its own as a
 * conflict copy.
 */
export async function concurrentEdits (): Promise<{ log: IndexLog, files: VaultFiles, blockstore: MemoryBlockstore }> {
  const stores = { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }
  const laptop = await device(stores, LAPTOP, T0)
  await save(laptop.files, 'first draft')
  const phone = await device(stores, PHONE, T0 + 30_000)
  await save(laptop.files, 'laptop edit')
  await save(phone.files, 'phone edit')
  await laptop.log.stop()
  await phone.log.stop()
  return { ...await device(stores, LAPTOP, T0 + 120_000), blockstore: stores.blockstore }
}
