import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { desiredPins } from '../../../core/protocols/backup/device/backup-state.ts'
import { localDagBlocks, freeContent } from '../../../core/vault/free-content.ts'
import { DAY_MS } from '../../../core/vault/retention.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import type { IndexLog } from '../../../core/index/index-log.ts'
import { hashTag, PASSPHRASE, readAll, type Cleanups } from './share-test-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const T0 = Date.UTC(2026, 0, 10, 12)
const text = (s: string): Blob => new Blob([new TextEncoder().encode(s)])

/** A vault on memory stores with a clock the test moves; `index` is what backup reads. */
async function openVault () {
  let now = T0
  const blockstore = new MemoryBlockstore()
  const datastore = new MemoryDatastore()
  let index: IndexLog | undefined
  const vault = new VaultService(
    { blockstore, datastore, hashTag, log: new LogBuffer().for('vault'), deviceId: '12D3KooWTestDevice', now: () => now },
    { onStatus: () => {}, onFilesChanged: () => {}, onUnlocked: (session) => { index = session.index } }
  )
  await vault.start()
  cleanups.push(async () => { await vault.stop() })
  await vault.create(PASSPHRASE)
  const add = async (path: string, content: string) => await vault.files().add({ file: text(content), path, mtime: now, type: 'text/plain' })
  const read = async (fileId: string) => new TextDecoder().decode(await readAll(vault.files().open(fileId).stream))
  const has = async (cid: string) => await blockstore.has(CID.parse(cid))
  return { vault, blockstore, add, read, has, index: () => index as IndexLog, setNow: (t: number) => { now = t } }
}

describe('versions', () => {
  it('replacing a file keeps the previous content as a version; restoring it swaps them, and both survive a lock', async () => {
    const v = await openVault()
    const first = await v.add('notes.txt', 'first draft')
    v.setNow(T0 + 60_000)
    const second = await v.add('notes.txt', 'second draft, longer')
    assert.equal(second.replaced, true)
    assert.equal(second.file.fileId, first.file.fileId)
    assert.deepEqual(v.vault.files().list().map(f => f.path), ['notes.txt'])

    const versions = v.vault.history().versions(first.file.fileId)
    assert.equal(versions.length, 1)
    assert.deepEqual({ size: versions[0]?.size, savedAt: versions[0]?.savedAt, replacedAt: versions[0]?.replacedAt, thisDevice: versions[0]?.thisDevice },
      { size: 11, savedAt: T0, replacedAt: T0 + 60_000, thisDevice: true })

    v.setNow(T0 + 120_000)
    const restored = await v.vault.history().restoreVersion(first.file.fileId, versions[0]?.versionId as string)
    assert.equal(restored.cid, first.file.cid)
    assert.equal(await v.read(first.file.fileId), 'first draft')
    // The content it replaced is kept as a version in turn.
    assert.deepEqual(v.vault.history().versions(first.file.fileId).map(x => x.size), [20])

    await v.vault.lock()
    await v.vault.unlock(PASSPHRASE)
    assert.deepEqual(v.vault.history().versions(first.file.fileId).map(x => x.size), [20])
    assert.equal(await v.read(first.file.fileId), 'first draft')
  })

  it('prunes versions older than the retention time (injected clock), frees their blocks and unpins them from backup', async () => {
    const v = await openVault()
    const a = await v.add('a.txt', 'one')
    v.setNow(T0 + 1 * DAY_MS)
    await v.add('a.txt', 'two')
    v.setNow(T0 + 20 * DAY_MS)
    await v.add('a.txt', 'three')
    const fileId = a.file.fileId
    assert.deepEqual(v.vault.history().versions(fileId).map(x => x.size), [3, 3])
    const [newer, older] = v.vault.history().versions(fileId)
    assert.ok(desiredPins(v.index(), [], T0).pins.includes(a.file.cid), 'a version is pinned on backup peers')

    // 30 days after "one" was replaced (day 1) it goes; "two" (replaced day 20) stays.
    v.setNow(T0 + 31 * DAY_MS)
    await v.vault.tidy()
    const left = v.vault.history().versions(fileId)
    assert.deepEqual(left.map(x => x.versionId), [newer?.versionId])
    assert.ok(older !== undefined)
    assert.equal(await v.has(a.file.cid), false, 'the pruned version is freed here')
    assert.ok(!desiredPins(v.index(), [], T0).pins.includes(a.file.cid), 'and unpinned from backup peers')
    assert.equal(await v.read(fileId), 'three')
  })

  it('keeps only the newest versions when the setting is a count, and never frees content a live file shares', async () => {
    const v = await openVault()
    const other = await v.add('other.txt', 'v1')
    const f = await v.add('f.txt', 'v1') // same content as other.txt: stored once
    assert.equal(f.deduplicated, true)
    assert.equal(f.unchanged, undefined, 'a new path: added, with no new space used')
    assert.equal((await v.add('f.txt', 'v1')).unchanged, true, 'that very file again: nothing changes')
    for (const [i, body] of ['v2', 'v3', 'v4'].entries()) {
      v.setNow(T0 + (i + 1) * 1000)
      await v.add('f.txt', body)
    }
    assert.equal(v.vault.history().versions(f.file.fileId).length, 3)
    await v.vault.setVersionRetention({ keep: 'count', count: 1 })
    assert.equal(v.vault.history().versions(f.file.fileId).length, 1)
    // v1 was pruned as a version of f.txt, but other.txt still uses its blocks.
    assert.equal(await v.read(other.file.fileId), 'v1')
    assert.deepEqual(v.vault.versionRetention(), { keep: 'count', count: 1 })
    await assert.rejects(v.vault.setVersionRetention({ keep: 'count', count: 0 }), (err: { code?: string }) => err.code === 'CONFIG_INVALID')
  })
})

describe('trash', () => {
  it('a deleted file waits in the Trash, comes back intact, and is gone with its blocks once emptied', async () => {
    const v = await openVault()
    const f = await v.add('docs/plan.txt', 'the plan')
    v.setNow(T0 + 1000)
    await v.add('docs/plan.txt', 'the plan, revised')
    v.setNow(T0 + 2000)
    await v.vault.files().remove(f.file.fileId)
    assert.deepEqual(v.vault.files().list(), [])
    const [item] = v.vault.history().trash()
    assert.deepEqual({ path: item?.path, size: item?.size, deletedAt: item?.deletedAt, emptiesAt: item?.emptiesAt },
      { path: 'docs/plan.txt', size: 17, deletedAt: T0 + 2000, emptiesAt: T0 + 2000 + 30 * DAY_MS })
    assert.ok(desiredPins(v.index(), [], T0).pins.includes(f.file.cid), 'backup keeps what is in the Trash, versions included')

    const back = await v.vault.history().restoreFromTrash(f.file.fileId)
    assert.equal(back.path, 'docs/plan.txt')
    assert.equal(await v.read(f.file.fileId), 'the plan, revised')
    assert.equal(v.vault.history().versions(f.file.fileId).length, 1, 'its versions came back with it')
    assert.deepEqual(v.vault.history().trash(), [])

    await v.vault.files().remove(f.file.fileId)
    const roots = [f.file.cid, back.cid]
    assert.equal(await v.vault.history().emptyTrash(), 1)
    assert.deepEqual(v.vault.history().trash(), [])
    for (const cid of roots) {
      assert.equal(await v.has(cid), false)
      assert.ok(!desiredPins(v.index(), [], T0).pins.includes(cid))
    }
    await assert.rejects(v.vault.history().restoreFromTrash(f.file.fileId), (err: { code?: string }) => err.code === 'FILE_NOT_FOUND')
  })

  it('restores to another name when the old one is taken, and empties itself after 30 days', async () => {
    const v = await openVault()
    const old = await v.add('a.txt', 'old')
    await v.vault.files().remove(old.file.fileId)
    await v.add('a.txt', 'new')
    await assert.rejects(v.vault.history().restoreFromTrash(old.file.fileId), (err: { code?: string }) => err.code === 'PATH_EXISTS')
    const back = await v.vault.history().restoreFromTrash(old.file.fileId, 'a (2).txt')
    assert.equal(back.path, 'a (2).txt')

    await v.vault.files().remove(back.fileId)
    v.setNow(T0 + 29 * DAY_MS)
    await v.vault.tidy()
    assert.equal(v.vault.history().trash().length, 1)
    v.setNow(T0 + 30 * DAY_MS + 1)
    await v.vault.tidy()
    assert.deepEqual(v.vault.history().trash(), [])
    assert.equal(await v.has(old.file.cid), false)
    assert.deepEqual(v.vault.files().list().map(f => f.path), ['a.txt'])
  })

  it('a deleted folder comes back in one update: taken names get a free one, a file in the way of a folder keeps its files in the Trash, and each reads back', async () => {
    const v = await openVault()
    const photos = []
    for (let i = 0; i < 40; i++) photos.push(await v.add(`photos/${String(i).padStart(2, '0')}.jpg`, `photo ${i}`))
    const notes = await v.add('notes/todo.txt', 'todo')
    const twin = await v.add('twin.txt', 'first')
    await v.vault.files().removeMany({ fileIds: [notes.file.fileId, twin.file.fileId], folders: ['photos'] })
    const twin2 = await v.add('twin.txt', 'second')
    await v.vault.files().remove(twin2.file.fileId)
    // Meanwhile: a new file at one of the photos' names, and a file named like the notes folder.
    await v.add('photos/07.jpg', 'newer')
    await v.add('notes', 'a file now')
    const seqBefore = v.index().heads().get('12D3KooWTestDevice')?.seq as number
    const blocksBefore = v.index().blockCids().length

    const ids = [...photos.map(p => p.file.fileId), notes.file.fileId, twin.file.fileId, twin2.file.fileId, 'no-such-file']
    const result = await v.vault.history().restoreManyFromTrash(ids)

    assert.equal(result.restored.length, 42)
    assert.deepEqual(result.skipped, [{ fileId: notes.file.fileId, path: 'notes/todo.txt', reason: 'blocked' }, { fileId: 'no-such-file', reason: 'gone' }])
    const renamed = result.restored.filter(r => r.file.path !== r.was).map(r => [r.was, r.file.path]).sort()
    assert.deepEqual(renamed, [['photos/07.jpg', 'photos/07 (2).jpg'], ['twin.txt', 'twin (2).txt']])
    assert.equal(await v.read(photos[7]?.file.fileId as string), 'photo 7')
    assert.equal(await v.read((v.vault.files().list().find(f => f.path === 'photos/07.jpg'))?.fileId as string), 'newer')
    assert.deepEqual(new Set([await v.read(twin.file.fileId), await v.read(twin2.file.fileId)]), new Set(['first', 'second']))
    assert.deepEqual(v.vault.history().trash().map(t => t.path), ['notes/todo.txt'], 'only the blocked file stays')
    assert.equal(v.index().heads().get('12D3KooWTestDevice')?.seq, seqBefore + 42, 'one op per file')
    assert.equal(v.index().blockCids().length, blocksBefore + 1, 'in one block')
  })
})

describe('freeing content', () => {
  it('keeps blocks a share copy recorded and roots still needed', async () => {
    const v = await openVault()
    const f = await v.add('x.txt', 'x')
    const blocks = (await localDagBlocks(v.blockstore, CID.parse(f.file.cid))).map(String)
    assert.ok(blocks.length >= 2)
    assert.equal(await freeContent(v.blockstore, [f.file.cid], { roots: new Set([f.file.cid]), blocks: new Set() }), 0)
    assert.equal(await freeContent(v.blockstore, [f.file.cid], { roots: new Set(), blocks: new Set(blocks.slice(1)) }), 1)
    assert.equal(await v.has(blocks[1] as string), true)
  })
})
