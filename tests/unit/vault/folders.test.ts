import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import type { IndexLog } from '../../../core/index/index-log.ts'
import { isCairnError } from '../../../core/errors.ts'
import { hashTag, PASSPHRASE, type Cleanups } from './share-test-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const T0 = Date.UTC(2026, 0, 10, 12)
const text = (s: string): Blob => new Blob([new TextEncoder().encode(s)])

async function openVault () {
  const blockstore = new MemoryBlockstore()
  const datastore = new MemoryDatastore()
  let index: IndexLog | undefined
  const vault = new VaultService(
    { blockstore, datastore, hashTag, log: new LogBuffer().for('vault'), deviceId: '12D3KooWTestDevice', now: () => T0 },
    { onStatus: () => {}, onFilesChanged: () => {}, onUnlocked: (session) => { index = session.index } }
  )
  await vault.start()
  cleanups.push(async () => { await vault.stop() })
  await vault.create(PASSPHRASE)
  const add = async (path: string, content: string) => (await vault.files().add({ file: text(content), path, mtime: T0, type: 'text/plain' })).file
  const paths = () => vault.files().list().map(f => f.path).sort()
  /** Counts the index appends (each is one sealed block written) while `job` runs. */
  const appends = async (job: () => Promise<void>): Promise<number> => {
    let count = 0
    const off = (index as IndexLog).onAppend(() => { count++ })
    try { await job() } finally { off() }
    return count
  }
  return { vault, blockstore, datastore, add, paths, appends }
}

async function allBytes (store: MemoryBlockstore | MemoryDatastore): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  if (store instanceof MemoryBlockstore) {
    for await (const { bytes } of store.getAll()) for await (const chunk of bytes) out.push(chunk)
  }
  else for await (const { value } of store.query({})) out.push(value)
  return out
}

describe('folders', () => {
  it('an empty folder made by the user stays across a lock, is not listed as a file, and its name is stored sealed', async () => {
    const v = await openVault()
    await v.vault.files().createFolder('Holiday snaps', T0)
    assert.deepEqual(v.vault.files().folders(), ['Holiday snaps'])
    assert.deepEqual(v.paths(), [])
    await v.vault.lock()
    await v.vault.unlock(PASSPHRASE)
    assert.deepEqual(v.vault.files().folders(), ['Holiday snaps'])
    const needle = new TextEncoder().encode('Holiday snaps')
    for (const bytes of [...await allBytes(v.blockstore), ...await allBytes(v.datastore)]) {
      assert.equal(Buffer.from(bytes).indexOf(needle), -1, 'the folder name is never stored in the clear')
    }
  })

  it('refuses a folder where a file or folder already is', async () => {
    const v = await openVault()
    await v.add('docs/a.txt', 'a')
    await v.add('notes', 'n')
    for (const path of ['docs', 'notes', 'notes/inner']) {
      await assert.rejects(v.vault.files().createFolder(path, T0), (err) => isCairnError(err, 'PATH_EXISTS'), path)
    }
    await assert.rejects(v.vault.files().createFolder('a//b', T0), (err) => isCairnError(err, 'PATH_INVALID'))
  })

  it('renaming a folder moves every file under it (and its record) in one index update', async () => {
    const v = await openVault()
    await v.add('work/a.txt', 'a')
    await v.add('work/deep/b.txt', 'b')
    await v.add('workshop.txt', 'not under work/')
    await v.vault.files().createFolder('work/empty', T0)
    const count = await v.appends(async () => { await v.vault.files().renameFolder('work', 'jobs/2026') })
    assert.equal(count, 1)
    assert.deepEqual(v.paths(), ['jobs/2026/a.txt', 'jobs/2026/deep/b.txt', 'workshop.txt'])
    assert.deepEqual(v.vault.files().folders(), ['jobs/2026/empty'])
    await assert.rejects(v.vault.files().renameFolder('jobs', 'jobs/inner'), (err) => isCairnError(err, 'INVALID_ARGUMENT'))
  })

  it('moves files and folders into another folder at once, refusing a name already taken there', async () => {
    const v = await openVault()
    const a = await v.add('a.txt', 'a')
    await v.add('pics/p.png', 'p')
    await v.vault.files().createFolder('archive', T0)
    const count = await v.appends(async () => { await v.vault.files().move({ fileIds: [a.fileId], folders: ['pics'] }, 'archive') })
    assert.equal(count, 1)
    assert.deepEqual(v.paths(), ['archive/a.txt', 'archive/pics/p.png'])
    const b = await v.add('a.txt', 'another a')
    await assert.rejects(v.vault.files().move({ fileIds: [b.fileId], folders: [] }, 'archive'), (err) => isCairnError(err, 'PATH_EXISTS'))
    assert.deepEqual(v.paths(), ['a.txt', 'archive/a.txt', 'archive/pics/p.png'])
  })

  it('deleting a folder sends its files to the Trash in one update; the Trash lists the files, not the record', async () => {
    const v = await openVault()
    await v.add('old/x.txt', 'x')
    await v.add('old/y/z.txt', 'z')
    await v.vault.files().createFolder('old/y/empty', T0)
    const keep = await v.add('keep.txt', 'k')
    const count = await v.appends(async () => { await v.vault.files().removeMany({ fileIds: [keep.fileId], folders: ['old'] }) })
    assert.equal(count, 1)
    assert.deepEqual(v.paths(), [])
    assert.deepEqual(v.vault.files().folders(), [])
    assert.deepEqual(v.vault.history().trash().map(t => t.path).sort(), ['keep.txt', 'old/x.txt', 'old/y/z.txt'])
  })
})
