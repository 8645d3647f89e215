import assert from 'node:assert/strict'
import { it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { IndexLog } from '../../../core/index/index-log.ts'
import { VaultFiles } from '../../../core/vault/vault-files.ts'
import { copyFolder } from '../../../core/vault/share-copies.ts'
import { decodeFolderListing } from '../../../core/share/folder-listing.ts'
import { readDecrypted } from '../../../core/storage/encrypted-content.ts'
import { key } from '../index/fixtures.ts'
import { hashTag, readAll } from '../vault/share-test-support.ts'

const T0 = Date.UTC(2024, 2, 3, 12)
type Stores = { blockstore: MemoryBlockstore, datastore: MemoryDatastore }

async function device (stores: Stores, deviceId: string, now: number): Promise<{ log: IndexLog, files: VaultFiles }> {
  const log = new IndexLog(stores, { indexKey: key(9), deviceId, now: () => now })
  await log.start()
  return { log, files: new VaultFiles(stores.blockstore, log, new Uint8Array(32).fill(7), hashTag, new AbortController().signal) }
}
const save = async (files: VaultFiles, content: string): Promise<void> => {
  await files.add({ file: new Blob([content]), path: 'notes/plan.txt', mtime: T0, type: 'text/plain' })
}

it('a folder share holding a conflict copy shares the copy\'s own content under its conflict name', async () => {
  const stores = { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }
  const laptop = await device(stores, '12D3KooWLaptopAAAAAA', T0)
  await save(laptop.files, 'first draft')
  const phone = await device(stores, '12D3KooWPhoneBBBBBB', T0 + 30_000)
  await save(laptop.files, 'laptop edit')
  await save(phone.files, 'phone edit')
  await laptop.log.stop()
  await phone.log.stop()
  const { log, files } = await device(stores, '12D3KooWLaptopAAAAAA', T0 + 120_000)
  // The Files page shows two files in notes/: plan.txt (phone edit) and its conflict copy (laptop edit).
  const shown = files.list()
  assert.equal(shown.length, 2)

  const copy = await copyFolder(files, stores.blockstore, 'notes')
  const listing = decodeFolderListing(await readAll(readDecrypted(stores.blockstore, copy.cid, copy.shareKey.slice(), { plaintextLength: copy.size })))
  const received = new Map<string, string>()
  for (const entry of listing) received.set(entry.path, new TextDecoder().decode(await readAll(readDecrypted(stores.blockstore, entry.cid, entry.key, { plaintextLength: entry.size }))))
  const expected = new Map<string, string>()
  for (const f of shown) expected.set(f.path.slice('notes/'.length), new TextDecoder().decode(await readAll(files.open(f.fileId, f.versionId).stream)))
  assert.deepEqual(received, expected, 'each file of the snapshot has the content the sender sees under that name')
  await log.stop()
})
