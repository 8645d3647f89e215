import assert from 'node:assert/strict'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { FolderSyncService, type FolderOpener } from '../../../core/folder-sync/folder-sync-service.ts'
import type { RestoreProgress } from '../../../core/rpc/api-sync.ts'
import { syncVaultOf } from '../../../core/folder-sync/vault-port.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { createPathFolderOpener } from '../../../desktop/folders/path-folder-opener.ts'
import { waitFor } from '../support/polling.ts'
import { randomBytes, startVault, type Cleanups } from '../vault/share-test-support.ts'
import { put, tempFolder } from './support.ts'

const cleanups: Cleanups = []
// The daemon's data folder: one that none of these synced folders holds.
const pathFolderOpener = createPathFolderOpener({ dataDir: '/nonexistent/cairn-data' })
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

async function startService (options: { opener?: FolderOpener, rescanMs?: number, datastore?: MemoryDatastore } = {}): Promise<{ service: FolderSyncService, vault: Awaited<ReturnType<typeof startVault>>['vault'], changes: () => number, restoreProgress: RestoreProgress[] }> {
  const { vault } = await startVault(cleanups)
  let changes = 0
  const restoreProgress: RestoreProgress[] = []
  const service = new FolderSyncService({
    datastore: options.datastore ?? new MemoryDatastore(),
    vault: syncVaultOf(() => vault.files()),
    opener: options.opener ?? pathFolderOpener,
    log: new LogBuffer().for('folders'),
    deviceLabel: () => 'laptop',
    onChanged: () => { changes++ },
    onVaultChanged: () => {},
    onRestoreProgress: (p) => { restoreProgress.push(p) }
  }, { rescanMs: options.rescanMs ?? 60_000, debounceMs: 50, settleMs: 0 })
  await service.attach(new Uint8Array(32).fill(7))
  cleanups.push(async () => { await service.detach() })
  return { service, vault, changes: () => changes, restoreProgress }
}

describe('folder sync on the desktop: folders added by path', () => {
  it('backs up a folder, then sends a file written later through the watcher', async () => {
    const { service, vault } = await startService()
    const root = await tempFolder(cleanups)
    await put(root, 'a/one.txt', 'one')
    const added = await service.add({ location: { kind: 'path', path: root }, mode: 'backup', vaultFolder: 'Laptop' })
    assert.equal(added.label, root)
    await waitFor(() => service.list()[0]?.state === 'in-step', 15_000, 'the first scan')
    assert.ok(vault.files().list().some(f => f.path === 'Laptop/a/one.txt'))
    await put(root, 'b/two.txt', 'two', Date.now() - 1000)
    await waitFor(() => vault.files().list().some(f => f.path === 'Laptop/b/two.txt'), 15_000, 'the watcher to send the new file')
  })

  it('pauses and resumes, edits the ignore rules, and refuses a folder that is not there', async () => {
    const { service, vault } = await startService()
    const root = await tempFolder(cleanups)
    await put(root, 'keep.txt', 'k')
    const { id } = await service.add({ location: { kind: 'path', path: root }, mode: 'backup', vaultFolder: 'F' })
    await waitFor(() => service.list()[0]?.state === 'in-step', 15_000, 'the first scan')
    assert.equal((await service.pause(id)).state, 'paused')
    await put(root, 'while paused.txt', 'p')
    assert.equal((await service.syncNow(id)).state, 'paused')
    assert.ok(!vault.files().list().some(f => f.path === 'F/while paused.txt'), 'nothing is sent while paused')
    await service.resume(id)
    await waitFor(() => vault.files().list().some(f => f.path === 'F/while paused.txt'), 15_000, 'the resumed scan')

    assert.deepEqual((await service.ignoreRules(id)).text, '')
    assert.ok((await service.ignoreRules(id)).defaults.includes('node_modules/'))
    await service.setIgnoreRules(id, '*.secret\n')
    assert.equal(await readFile(join(root, '.cairnignore'), 'utf8'), '*.secret\n')
    await put(root, 'x.secret', 's', Date.now() - 1000)
    await service.syncNow(id)
    assert.ok(!vault.files().list().some(f => f.path === 'F/x.secret'))

    await assert.rejects(service.add({ location: { kind: 'path', path: join(root, 'not there') }, mode: 'backup', vaultFolder: 'G' }), { code: 'SYNC_FOLDER_UNAVAILABLE' })
    await assert.rejects(service.add({ location: { kind: 'path', path: 'relative/path' }, mode: 'backup', vaultFolder: 'G' }), { code: 'INVALID_ARGUMENT' })
    await service.remove(id)
    assert.deepEqual(service.list(), [])
    assert.ok(vault.files().list().some(f => f.path === 'F/keep.txt'), 'removing a folder deletes nothing')
  })

  it('restores a vault folder into an empty folder with its tree, contents and mtimes, and refuses one that is not empty', async () => {
    const { service, vault, restoreProgress } = await startService()
    const source = await tempFolder(cleanups)
    const files = new Map([['top.bin', randomBytes(3000)], ['deep/er/ü.bin', randomBytes(10)], ['empty.txt', new Uint8Array(0)]])
    const mtimes = new Map<string, number>()
    let i = 0
    for (const [path, bytes] of files) {
      const mtime = Date.UTC(2023, 0, 1, 0, 0, i++)
      mtimes.set(path, mtime)
      await put(source, path, bytes, mtime)
    }
    await service.add({ location: { kind: 'path', path: source }, mode: 'backup', vaultFolder: 'Photos' })
    await waitFor(() => vault.files().list().length === files.size, 15_000, 'the backup')
    const target = await tempFolder(cleanups)
    const restored = await service.restore({ location: { kind: 'path', path: target }, vaultFolder: 'Photos' })
    assert.equal(restored.files, files.size)
    for (const [path, bytes] of files) {
      assert.deepEqual(new Uint8Array(await readFile(join(target, path))), bytes, `${path}: contents`)
      assert.equal((await stat(join(target, path))).mtimeMs, mtimes.get(path), `${path}: mtime`)
    }
    // The page hears the totals first, then each file.
    assert.deepEqual(restoreProgress[0], { filesDone: 0, filesTotal: 3, bytesDone: 0, bytesTotal: 3010 })
    assert.deepEqual(restoreProgress.at(-1), { filesDone: 3, filesTotal: 3, bytesDone: 3010, bytesTotal: 3010 })
    assert.equal(restoreProgress.length, 4)
    await assert.rejects(service.restore({ location: { kind: 'path', path: target }, vaultFolder: 'Photos' }), { code: 'FOLDER_NOT_EMPTY' })
    assert.equal(restoreProgress.length, 4, 'a refused restore reports nothing')
  })

  it('rescans on the schedule the user sets for a folder no watcher sees; a bad interval is refused; the choice is kept', async () => {
    // A folder on a disk that sends no change events (a network share): only the schedule finds changes.
    const unwatched: FolderOpener = {
      open: async (location) => {
        const source = await pathFolderOpener.open(location)
        if ('state' in source) return source
        return Object.assign(Object.create(source) as typeof source, { watch: async () => { throw new Error('no watcher here') } })
      }
    }
    const datastore = new MemoryDatastore()
    const { service, vault } = await startService({ opener: unwatched, rescanMs: 200, datastore })
    const root = await tempFolder(cleanups)
    await put(root, 'first.txt', '1')
    const { id, rescanSeconds } = await service.add({ location: { kind: 'path', path: root }, mode: 'backup', vaultFolder: 'Share' })
    assert.equal(rescanSeconds, 0, 'the host default (200 ms here) until the user chooses')
    await waitFor(() => service.list()[0]?.state === 'in-step', 15_000, 'the first scan')
    await put(root, 'second.txt', '2', Date.now() - 1000)
    await waitFor(() => vault.files().list().some(f => f.path === 'Share/second.txt'), 15_000, 'the scheduled rescan to find the new file')

    for (const bad of [0, 9, 1.5, 86_401, Number.NaN]) {
      await assert.rejects(service.setRescanInterval(id, bad), { code: 'INVALID_ARGUMENT' }, String(bad))
    }
    assert.equal((await service.setRescanInterval(id, 3600)).rescanSeconds, 3600)
    await put(root, 'third.txt', '3', Date.now() - 1000)
    await new Promise(resolve => setTimeout(resolve, 1000))
    assert.ok(!vault.files().list().some(f => f.path === 'Share/third.txt'), 'an hourly schedule does not rescan within a second')
    await service.syncNow(id)
    assert.ok(vault.files().list().some(f => f.path === 'Share/third.txt'), '"Sync now" still finds it')

    await service.detach()
    await service.attach(new Uint8Array(32).fill(7))
    assert.equal(service.list()[0]?.rescanSeconds, 3600, 'the interval is kept with the folder')
  })
})
