import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { IndexLog } from '../../../core/index/index-log.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { VaultFiles } from '../../../core/vault/vault-files.ts'
import { DEFAULT_VERSION_RETENTION } from '../../../core/vault/retention.ts'
import { VaultHistory } from '../../../core/vault/vault-history.ts'
import { key } from '../index/fixtures.ts'
import { hashTag, readAll } from './share-test-support.ts'

const T0 = Date.UTC(2024, 2, 3, 12)
const LAPTOP = '12D3KooWLaptopAAAAAA'
const PHONE = '12D3KooWPhoneBBBBBB'

type Stores = { blockstore: MemoryBlockstore, datastore: MemoryDatastore }

async function device (stores: Stores, deviceId: string, now: number): Promise<{ log: IndexLog, files: VaultFiles }> {
  const log = new IndexLog(stores, { indexKey: key(9), deviceId, now: () => now })
  await log.start()
  return { log, files: new VaultFiles(stores.blockstore, log, new Uint8Array(32).fill(7), hashTag, new AbortController().signal) }
}

const save = async (files: VaultFiles, content: string): Promise<void> => {
  await files.add({ file: new Blob([content]), path: 'notes/plan.txt', mtime: T0, type: 'text/plain' })
}
const text = async (opened: { stream: ReadableStream<Uint8Array> }): Promise<string> => new TextDecoder().decode(await readAll(opened.stream))

/** Both devices know a file, then each edits it while apart: the laptop then sees the merged log. */
async function concurrentEdits (): Promise<{ log: IndexLog, files: VaultFiles, blockstore: MemoryBlockstore }> {
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

function historyOf (log: IndexLog, blockstore: MemoryBlockstore, now = T0): VaultHistory {
  return new VaultHistory({ blockstore, index: log, log: new LogBuffer().for('vault') },
    { deviceId: LAPTOP, now: () => now, retention: () => DEFAULT_VERSION_RETENTION, shareContent: async () => ({ roots: [], blocks: [] }) })
}

describe('opening a conflict copy (a concurrent edit shown beside its file)', () => {
  it('opens the copy\'s own content by its versionId, and the file\'s current content without one', async () => {
    const { log, files } = await concurrentEdits()
    const listed = files.list()
    const copy = listed.find(f => f.versionId !== undefined)
    const current = listed.find(f => f.versionId === undefined)
    assert.ok(copy !== undefined && current !== undefined)
    assert.equal(copy.fileId, current.fileId, 'the copy shares its file\'s id')
    // The phone's edit is later: it is the file; the laptop's is the copy.
    assert.equal(await text(files.open(current.fileId)), 'phone edit')
    const opened = files.open(copy.fileId, copy.versionId)
    assert.equal(opened.info.path, copy.path)
    assert.equal(await text(opened), 'laptop edit')
    await log.stop()
  })

  it('opens an earlier version by its versionId; an unknown one is FILE_NOT_FOUND, a wrong type INVALID_ARGUMENT', async () => {
    const { log, files, blockstore } = await concurrentEdits()
    const fileId = files.list()[0]?.fileId as string
    const versions = historyOf(log, blockstore).versions(fileId)
    // The Versions dialog lists the first draft once, and not the copy the Files page shows already.
    assert.deepEqual(versions.map(v => v.size), [11])
    assert.equal(await text(files.open(fileId, versions[0]?.versionId)), 'first draft')
    assert.throws(() => files.open(fileId, 'no-such-version'), (err: { code?: string }) => err.code === 'FILE_NOT_FOUND')
    assert.throws(() => files.open(fileId, 42 as unknown as string), (err: { code?: string }) => err.code === 'INVALID_ARGUMENT')
    await log.stop()
  })

  it('the retention prunes earlier versions but never a conflict copy: it stays until resolved', async () => {
    const { log, files, blockstore } = await concurrentEdits()
    const copy = files.list().find(f => f.versionId !== undefined)
    assert.ok(copy !== undefined)
    const history = historyOf(log, blockstore, T0 + 365 * 86_400_000)
    assert.equal(await history.tidy(), true)
    assert.deepEqual(history.versions(copy.fileId), [], 'the first draft was pruned')
    assert.equal(await text(files.open(copy.fileId, copy.versionId)), 'laptop edit')
    assert.equal(files.list().filter(f => f.versionId !== undefined).length, 1)
    await log.stop()
  })
})

describe('saving to the name a concurrent edit is shown under', () => {
  // 'a new text' is stored anew; 'phone edit' is the file's own content, so that save is recorded as a duplicate.
  for (const content of ['a new text', 'phone edit']) {
    it(`keeps the file at its name and the edit shown, and the save is a file of its own (${content})`, async () => {
      const { log, files } = await concurrentEdits()
      const copy = files.list().find(f => f.versionId !== undefined)
      assert.ok(copy !== undefined)
      const saved = await files.add({ file: new Blob([content]), path: copy.path, mtime: T0, type: 'text/plain' })
      assert.notEqual(saved.file.fileId, copy.fileId)
      assert.equal(saved.replaced, false)
      const after = files.list()
      const file = after.find(f => f.path === 'notes/plan.txt')
      assert.ok(file !== undefined, 'the file keeps its name')
      assert.equal(await text(files.open(file.fileId)), 'phone edit')
      assert.equal(await text(files.open(saved.file.fileId)), content)
      assert.equal(after.find(f => f.fileId === saved.file.fileId)?.path, copy.path)
      const edit = after.find(f => f.versionId === copy.versionId)
      assert.ok(edit !== undefined && edit.path !== copy.path, 'the edit is still shown, under the next free name')
      assert.equal(await text(files.open(edit.fileId, edit.versionId)), 'laptop edit')
      await log.stop()
    })
  }
})
