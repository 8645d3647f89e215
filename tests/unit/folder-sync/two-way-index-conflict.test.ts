import assert from 'node:assert/strict'
import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { FolderSyncEngine } from '../../../core/folder-sync/folder-sync-engine.ts'
import { memoryScanState } from '../../../core/folder-sync/scan-state.ts'
import { syncVaultOf } from '../../../core/folder-sync/vault-port.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { VaultFiles } from '../../../core/vault/vault-files.ts'
import { key } from '../index/fixtures.ts'
import { hashTag, type Cleanups } from '../vault/share-test-support.ts'
import { CountingSource, put, tempFolder } from './support.ts'

/**
 * Two-way folders and the index's own conflicts: two devices changed one
 * file while apart, so the vault keeps the later edit as the file and the
 * other beside it as a conflict copy (same fileId, a versionId). The folder
 * must keep both too, under the names the vault shows.
 */

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const T0 = Date.UTC(2024, 2, 3, 12)
const LAPTOP = '12D3KooWLaptopAAAAAA'
const PHONE = '12D3KooWPhoneBBBBBB'
const COPY = 'plan (conflict, AAAAAA, 2024-03-03).txt'
type Stores = { blockstore: MemoryBlockstore, datastore: MemoryDatastore }

/** One device's index and files on shared stores (a device opened later sees every op written so far). */
async function device (stores: Stores, deviceId: string, now: number): Promise<{ log: IndexLog, files: VaultFiles }> {
  const log = new IndexLog(stores, { indexKey: key(9), deviceId, now: () => now })
  await log.start()
  cleanups.push(async () => { await log.stop() })
  return { log, files: new VaultFiles(stores.blockstore, log, new Uint8Array(32).fill(7), hashTag, new AbortController().signal) }
}

/** The laptop syncs a folder two-way; it and the phone each edit plan.txt while apart; the laptop opens the merged log. */
async function concurrentEdit (): Promise<{ root: string, engine: () => FolderSyncEngine, files: () => VaultFiles, phone: VaultFiles }> {
  const stores = { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }
  const root = await tempFolder(cleanups)
  const state = memoryScanState()
  let laptop = await device(stores, LAPTOP, T0)
  const engineOn = (files: VaultFiles): FolderSyncEngine => new FolderSyncEngine({ mode: 'two-way', vaultFolder: 'Documents', settleMs: 0, deviceLabel: 'AAAAAA' }, {
    source: new CountingSource(root), state, vault: syncVaultOf(() => files), log: new LogBuffer().for('folder-sync'), now: () => T0 + 300_000
  })
  await put(root, 'plan.txt', 'first draft', T0 - 60_000)
  assert.equal((await engineOn(laptop.files).scan()).uploaded, 1)
  const phone = await device(stores, PHONE, T0 + 30_000)
  // Apart: the laptop's edit goes up from its folder, the phone's from its own; neither sees the other's.
  await put(root, 'plan.txt', 'laptop edit', T0 - 30_000)
  assert.equal((await engineOn(laptop.files).scan()).uploaded, 1)
  await phone.files.add({ file: new Blob(['phone edit']), path: 'Documents/plan.txt', mtime: T0 + 30_000, type: '' })
  await laptop.log.stop()
  laptop = await device(stores, LAPTOP, T0 + 120_000)
  const current = laptop
  return { root, engine: () => engineOn(current.files), files: () => current.files, phone: phone.files }
}

const read = async (root: string, path: string): Promise<string> => await readFile(join(root, path), 'utf8')

describe('folder sync: two-way keeps the index\'s conflict copies on disk', () => {
  it('writes a concurrent edit under its conflict name beside the file, once, and sends nothing back', async () => {
    const { root, engine, files } = await concurrentEdit()
    const listed = files().list().filter(f => f.path.startsWith('Documents/plan'))
    assert.deepEqual(listed.map(f => [f.path, f.versionId !== undefined]), [['Documents/plan (conflict, AAAAAA, 2024-03-03).txt', true], ['Documents/plan.txt', false]])

    const report = await engine().scan()
    // The phone's edit is later, so it holds the name; the laptop's own edit is the copy.
    assert.equal(await read(root, 'plan.txt'), 'phone edit')
    assert.equal(await read(root, COPY), 'laptop edit')
    assert.equal(report.written, 2)
    assert.equal(report.uploaded + report.deduplicated, 0, 'the copy is not sent back as a new file')
    const again = await engine().scan()
    assert.deepEqual([again.uploaded, again.deduplicated, again.written, again.trashed, again.conflicts], [0, 0, 0, 0, 0], 'in step')
    assert.equal(files().list().filter(f => f.path.startsWith('Documents/plan')).length, 2, 'the vault still shows the file and its copy')
  })

  it('follows "Resolve…" on another device: kept both, the copy is that file; dropped, the copy goes to .cairn-trash', async () => {
    const both = await concurrentEdit()
    await both.engine().scan()
    const copy = both.files().list().find(f => f.versionId !== undefined)
    assert.ok(copy?.versionId !== undefined)
    await both.files().resolveConflict(copy.fileId, 'both', copy.versionId)
    const kept = await both.engine().scan()
    assert.deepEqual([kept.written, kept.trashed, kept.uploaded, kept.deduplicated], [0, 0, 0, 0], 'the file on disk is already that file')
    assert.equal(await read(both.root, COPY), 'laptop edit')
    // From then on it is an ordinary synced file: a change to it in the vault reaches the disk.
    await both.files().add({ file: new Blob(['laptop edit, kept']), path: `Documents/${COPY}`, mtime: T0, type: '' })
    assert.equal((await both.engine().scan()).written, 1)
    assert.equal(await read(both.root, COPY), 'laptop edit, kept')

    const dropped = await concurrentEdit()
    await dropped.engine().scan()
    const other = dropped.files().list().find(f => f.versionId !== undefined)
    assert.ok(other?.versionId !== undefined)
    await dropped.files().resolveConflict(other.fileId, 'other', other.versionId)
    assert.equal((await dropped.engine().scan()).trashed, 1)
    assert.deepEqual(await readdir(join(dropped.root, '.cairn-trash/2024-03-03')), [COPY])
    assert.equal(await read(dropped.root, 'plan.txt'), 'phone edit')
  })

  it('a copy deleted on disk drops that edit in the vault (it stays an earlier version); a copy changed on disk is kept aside, never put over its file', async () => {
    const gone = await concurrentEdit()
    await gone.engine().scan()
    await rm(join(gone.root, COPY))
    const report = await gone.engine().scan()
    assert.equal(report.deleted, 1)
    assert.ok(!gone.files().list().some(f => f.versionId !== undefined), 'the edit is resolved')
    assert.ok(!(await readdir(gone.root)).includes(COPY), 'and not written again')

    const changed = await concurrentEdit()
    await changed.engine().scan()
    await put(changed.root, COPY, 'laptop edit, edited again', T0 + 200_000)
    const aside = await changed.engine().scan()
    assert.equal(aside.conflicts, 1)
    const plan = changed.files().list().find(f => f.path === 'Documents/plan.txt')
    assert.ok(plan !== undefined)
    assert.equal(new TextDecoder().decode(await new Response(changed.files().open(plan.fileId).stream).arrayBuffer()), 'phone edit', 'the file keeps its content and name')
    const names = await readdir(changed.root)
    assert.ok(names.includes(COPY) && names.some(n => n.startsWith('plan (conflict, AAAAAA, 2024-03-03) (conflict')), names.join(', '))
  })

  it('a later conflict on the same file, the same day, is kept aside under the next free conflict name, not over the copy', async () => {
    const { root, engine, files } = await concurrentEdit()
    await engine().scan()
    // Changed again in the vault (another device) and here, before the next scan.
    await files().add({ file: new Blob(['phone edit, again']), path: 'Documents/plan.txt', mtime: T0, type: '' })
    await put(root, 'plan.txt', 'laptop edit, again', T0 + 200_000)
    const report = await engine().scan()
    assert.equal(report.conflicts, 1)
    const second = 'plan (conflict, AAAAAA, 2024-03-03, 2).txt'
    assert.equal(await read(root, second), 'laptop edit, again')
    assert.equal(await read(root, COPY), 'laptop edit', 'the earlier copy is untouched')
    assert.equal(await read(root, 'plan.txt'), 'phone edit, again')
    assert.ok(files().list().some(f => f.path === `Documents/${second}` && f.versionId === undefined), 'the new copy is a file of its own in the vault')
  })
})
