import assert from 'node:assert/strict'
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { FolderSyncService } from '../../../core/folder-sync/folder-sync-service.ts'
import { syncVaultOf } from '../../../core/folder-sync/vault-port.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { createPathFolderOpener } from '../../../desktop/folders/path-folder-opener.ts'
import { emptyFolderWords } from '../../../web/pages/sync/folder-card.tsx'
import { waitFor } from '../support/polling.ts'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { CountingSource, engineFor, put, tempFolder, vaultTexts } from './support.ts'

// A synced folder whose root is suddenly empty is most often a drive or a
// network share that was unplugged (its mount point stays, listing nothing):
// no deletion is recorded until the user says the folder really is empty.

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const FILES = { 'a.txt': 'one', 'b/c.txt': 'two', 'b/d/e.txt': 'three' }
const IN_VAULT = { 'Drive/a.txt': 'one', 'Drive/b/c.txt': 'two', 'Drive/b/d/e.txt': 'three' }

async function fill (root: string): Promise<void> {
  for (const [path, text] of Object.entries(FILES)) await put(root, path, text)
}

/** What the unmount leaves: the mount point, holding nothing. */
async function unplug (root: string): Promise<void> {
  for (const name of await readdir(root)) await rm(join(root, name), { recursive: true })
}

describe('folder sync: a folder whose root is suddenly empty (a drive or share unplugged)', () => {
  it('backup: records no deletion and says why; the files coming back resume it; a confirmed empty folder deletes them', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await fill(root)
    const { engine } = engineFor(vault, new CountingSource(root), { vaultFolder: 'Drive' })
    assert.equal((await engine.scan()).uploaded, 3)

    await unplug(root)
    const waiting = await engine.scan()
    assert.equal(waiting.deleted, 0, 'nothing deleted')
    assert.equal(waiting.rootEmpty, true, 'the report says the folder is empty')
    assert.equal(waiting.tracked, 3, 'its files are still counted')
    assert.deepEqual(await vaultTexts(vault), IN_VAULT, 'the vault keeps every file')
    assert.equal((await engine.scan()).deleted, 0, 'a rescan waits too')

    // Plugged back in: the next scan goes on as before, sending nothing again.
    await fill(root)
    const back = await engine.scan()
    assert.deepEqual([back.rootEmpty, back.deleted, back.uploaded, back.tracked], [false, 0, 0, 3])

    // Emptied for real, and confirmed: the files go to the vault's Trash.
    await unplug(root)
    assert.equal((await engine.scan()).rootEmpty, true)
    engine.confirmEmpty()
    const confirmed = await engine.scan()
    assert.deepEqual([confirmed.rootEmpty, confirmed.deleted, confirmed.tracked], [false, 3, 0])
    assert.deepEqual(await vaultTexts(vault), {})

    // The confirmation counts once: new files, then empty again, wait again.
    await fill(root)
    const again = await engine.scan()
    assert.equal(again.uploaded + again.deduplicated, 3)
    await unplug(root)
    assert.deepEqual([(await engine.scan()).deleted, (await engine.scan()).rootEmpty], [0, true])
  })

  it('two-way: nothing is deleted in the vault and nothing is written into the empty mount point', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await fill(root)
    const { engine } = engineFor(vault, new CountingSource(root), { vaultFolder: 'Drive', mode: 'two-way' })
    await engine.scan()
    await unplug(root)
    // Another device adds a file meanwhile: written into the mount point, it would fill the system disk.
    await vault.files().add({ file: new Blob(['new']), path: 'Drive/new.txt', mtime: Date.now() - 3_600_000, type: '' })
    const waiting = await engine.scan()
    assert.deepEqual([waiting.rootEmpty, waiting.deleted, waiting.written, waiting.trashed], [true, 0, 0, 0])
    assert.deepEqual(await readdir(root), [], 'nothing written into the empty folder')
    assert.deepEqual(await vaultTexts(vault), { ...IN_VAULT, 'Drive/new.txt': 'new' })

    await fill(root)
    const back = await engine.scan()
    assert.deepEqual([back.rootEmpty, back.deleted, back.written], [false, 0, 1])
  })

  it('a folder added empty is no such case: two-way fills it from the vault', async () => {
    const { vault } = await startVault(cleanups)
    await vault.files().add({ file: new Blob(['one']), path: 'Drive/a.txt', mtime: Date.now() - 3_600_000, type: '' })
    const root = await tempFolder(cleanups)
    const { engine } = engineFor(vault, new CountingSource(root), { vaultFolder: 'Drive', mode: 'two-way' })
    const report = await engine.scan()
    assert.deepEqual([report.rootEmpty, report.written], [false, 1])
  })

  it('the Sync page: the folder waits with words that say why, until the user confirms it really is empty', async () => {
    const { vault } = await startVault(cleanups)
    const service = new FolderSyncService({
      datastore: new MemoryDatastore(),
      vault: syncVaultOf(() => vault.files()),
      opener: createPathFolderOpener({ dataDir: '/nonexistent/cairn-data' }),
      log: new LogBuffer().for('folders'),
      deviceLabel: () => 'laptop',
      onChanged: () => {},
      onVaultChanged: () => {}
    }, { rescanMs: 600_000, debounceMs: 600_000, settleMs: 0 })
    await service.attach(new Uint8Array(32).fill(7))
    cleanups.push(async () => { await service.detach() })
    const root = await tempFolder(cleanups)
    await fill(root)
    const { id } = await service.add({ location: { kind: 'path', path: root }, mode: 'backup', vaultFolder: 'Drive' })
    await waitFor(() => service.list()[0]?.state === 'in-step', 15_000, 'the first scan')

    await unplug(root)
    const waiting = await service.syncNow(id)
    assert.equal(waiting.state, 'emptied')
    assert.equal(waiting.files, 3)
    const words = emptyFolderWords(waiting)
    assert.match(words, /empty/i)
    assert.match(words, /drive|share/i)
    assert.match(words, /nothing was deleted/i)
    assert.deepEqual(await vaultTexts(vault), IN_VAULT)

    // Resume with the drive back: in step, nothing sent again.
    await fill(root)
    const back = await service.resume(id)
    assert.deepEqual([back.state, back.files], ['in-step', 3])

    await unplug(root)
    assert.equal((await service.syncNow(id)).state, 'emptied')
    const confirmed = await service.confirmEmpty(id)
    assert.deepEqual([confirmed.state, confirmed.files, confirmed.last?.deleted], ['in-step', 0, 3])
    assert.deepEqual(await vaultTexts(vault), {})
  })
})
