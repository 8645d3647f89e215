import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { FolderSyncEngine } from '../../../core/folder-sync/folder-sync-engine.ts'
import { memoryScanState } from '../../../core/folder-sync/scan-state.ts'
import { syncVaultOf } from '../../../core/folder-sync/vault-port.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { NodeFolderSource } from '../../../desktop/folders/node-folder-source.ts'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { engineFor, put, tempFolder } from './support.ts'

// What folder sync must never do to the files on a user's disk or in the vault,
// whatever the other devices send: write over a file the user left out of sync,
// write outside the folder, overwrite a save made during a scan, let a delete
// here bury an edit made elsewhere, replace a newer vault file with an old copy,
// or never back up a file whose clock is wrong.

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const text = (s: string): Blob => new Blob([s])
const A_YEAR_AGO = Date.UTC(2025, 0, 1)

async function vaultText (vault: Awaited<ReturnType<typeof startVault>>['vault'], path: string): Promise<string | undefined> {
  const file = vault.files().list().find((f) => f.path === path && f.versionId === undefined)
  return file === undefined ? undefined : await new Response(vault.files().open(file.fileId).stream).text()
}

describe('folder sync keeps the user\'s files safe', () => {
  it('a file left out by .cairnignore after it was synced keeps its local edits; the vault keeps its copy', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const now = Date.now()
    await put(root, 'config.local', 'shared v1', now - 3_600_000)
    const { engine } = engineFor(vault, new NodeFolderSource(root), { mode: 'two-way' })
    await engine.scan()
    await put(root, '.cairnignore', 'config.local\n', now - 3_600_000)
    await engine.scan()
    await put(root, 'config.local', 'MY LOCAL EDIT', now - 3_000_000)
    await engine.scan()
    await engine.scan()
    assert.equal(await readFile(join(root, 'config.local'), 'utf8'), 'MY LOCAL EDIT')
    assert.equal(await vaultText(vault, 'Documents/config.local'), 'shared v1')
  })

  it('a vault file at a name the rules leave out (*.tmp) does not overwrite the local file of that name', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await put(root, 'work.tmp', 'local scratch, never synced')
    const { engine } = engineFor(vault, new NodeFolderSource(root), { mode: 'two-way' })
    await vault.files().add({ file: text('from the phone'), path: 'Documents/work.tmp', mtime: A_YEAR_AGO, type: '' })
    await engine.scan()
    assert.equal(await readFile(join(root, 'work.tmp'), 'utf8'), 'local scratch, never synced')
  })

  it('files in a folder the rules leave out later stay in the vault (they are not counted as deleted)', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await put(root, 'build/out.txt', 'built once')
    const { engine } = engineFor(vault, new NodeFolderSource(root), { mode: 'two-way' })
    await engine.scan()
    await put(root, '.cairnignore', 'build/\n')
    const report = await engine.scan()
    assert.equal(report.deleted, 0)
    assert.equal(await vaultText(vault, 'Documents/build/out.txt'), 'built once')
    assert.equal(await readFile(join(root, 'build/out.txt'), 'utf8'), 'built once')
  })

  it('a link inside the folder to a folder elsewhere: nothing is written through it, and the vault keeps the file', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const outside = await mkdtemp(join(tmpdir(), 'cairn-outside-'))
    cleanups.push(async () => { await rm(outside, { recursive: true, force: true }) })
    await writeFile(join(outside, 'a.txt'), 'a file outside the synced folder')
    await symlink(outside, join(root, 'link'))
    const { engine } = engineFor(vault, new NodeFolderSource(root), { mode: 'two-way' })
    // One name that exists out there, one that does not.
    await vault.files().add({ file: text('from the phone'), path: 'Documents/link/a.txt', mtime: A_YEAR_AGO, type: '' })
    await vault.files().add({ file: text('also from the phone'), path: 'Documents/link/b.txt', mtime: A_YEAR_AGO, type: '' })
    const first = await engine.scan()
    assert.equal(first.written, 0)
    // Neither is left out silently: a.txt is found there (through the link), b.txt would be written through it.
    assert.deepEqual(first.skipped.map((s) => [s.path, s.code]).sort(), [['link/a.txt', 'FOLDER_FILE_EXISTS'], ['link/b.txt', 'FOLDER_PATH_UNSAFE']])
    await engine.scan()
    assert.equal(await readFile(join(outside, 'a.txt'), 'utf8'), 'a file outside the synced folder')
    assert.deepEqual(await readdir(outside), ['a.txt'])
    assert.equal(await vaultText(vault, 'Documents/link/a.txt'), 'from the phone')
    assert.equal(await vaultText(vault, 'Documents/link/b.txt'), 'also from the phone')
  })

  it('a save made during a long scan is not overwritten by another device\'s version; both are kept', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const now = Date.now()
    await put(root, 'doc.txt', 'v1', now - 3_600_000)
    const port = syncVaultOf(() => vault.files())
    const engine = new FolderSyncEngine({ mode: 'two-way', vaultFolder: 'Documents', settleMs: 0, deviceLabel: 'laptop' }, {
      source: new NodeFolderSource(root),
      state: memoryScanState(),
      log: new LogBuffer().for('t'),
      vault: {
        ...port,
        add: async (path, stream, size, mtime) => {
          // While a big file uploads, the user saves doc.txt.
          if (path.endsWith('video.bin')) await put(root, 'doc.txt', 'USER SAVE DURING SCAN', Date.now() - 1000)
          return await port.add(path, stream, size, mtime)
        }
      }
    })
    await engine.scan()
    await vault.files().add({ file: text('v2 from the phone'), path: 'Documents/doc.txt', mtime: A_YEAR_AGO, type: '' })
    await put(root, 'video.bin', 'pretend this takes minutes', now - 3_600_000)
    await engine.scan()
    await engine.scan()
    const everything = await Promise.all(vault.files().list().map(async (f) => await new Response(vault.files().open(f.fileId, f.versionId).stream).text()))
    const onDisk = await Promise.all((await readdir(root)).filter((name) => name.startsWith('doc')).map(async (name) => await readFile(join(root, name), 'utf8')))
    assert.ok(everything.includes('USER SAVE DURING SCAN'), 'the save reached the vault')
    assert.ok(everything.includes('v2 from the phone'), 'the phone\'s version is kept too')
    assert.ok(onDisk.includes('USER SAVE DURING SCAN') && onDisk.includes('v2 from the phone'), `both on disk: ${JSON.stringify(onDisk)}`)
  })

  it('a file deleted here while another device edited it: the edit stays in the vault and comes back to the folder', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await put(root, 'plan.txt', 'v1')
    const { engine } = engineFor(vault, new NodeFolderSource(root), { mode: 'two-way' })
    await engine.scan()
    await vault.files().add({ file: text('v2 edited on the phone'), path: 'Documents/plan.txt', mtime: A_YEAR_AGO, type: '' })
    await rm(join(root, 'plan.txt'))
    const report = await engine.scan()
    assert.equal(report.deleted, 0)
    assert.equal(await vaultText(vault, 'Documents/plan.txt'), 'v2 edited on the phone')
    assert.equal(await readFile(join(root, 'plan.txt'), 'utf8'), 'v2 edited on the phone')
  })

  it('the first two-way scan of a folder holding another copy of a vault file keeps both; the same copy is only tracked', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await vault.files().add({ file: text('current, edited yesterday on the desktop'), path: 'Documents/plan.txt', mtime: Date.now() - 86_400_000, type: '' })
    await vault.files().add({ file: text('the same everywhere'), path: 'Documents/same.txt', mtime: A_YEAR_AGO, type: '' })
    await put(root, 'plan.txt', 'stale copy from last year', A_YEAR_AGO)
    await put(root, 'same.txt', 'the same everywhere', A_YEAR_AGO)
    const { engine } = engineFor(vault, new NodeFolderSource(root), { mode: 'two-way' })
    const report = await engine.scan()
    assert.equal(report.conflicts, 1)
    assert.equal(report.uploaded, 1, 'only the other copy of plan.txt was sent')
    assert.equal(await vaultText(vault, 'Documents/plan.txt'), 'current, edited yesterday on the desktop')
    assert.equal(await readFile(join(root, 'plan.txt'), 'utf8'), 'current, edited yesterday on the desktop')
    const aside = (await readdir(root)).find((name) => name.startsWith('plan (conflict'))
    assert.ok(aside !== undefined, 'the folder\'s copy is kept under a conflict name')
    assert.equal(await readFile(join(root, aside), 'utf8'), 'stale copy from last year')
    assert.equal(vault.files().list().filter((f) => f.path === 'Documents/same.txt').length, 1)
    const again = await engine.scan()
    assert.deepEqual([again.uploaded, again.conflicts, again.written], [0, 0, 0])
  })

  it('a file whose time is far in the future (a camera\'s wrong clock) is backed up', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await put(root, 'photo.jpg', 'pixels', Date.now() + 86_400_000)
    const { engine } = engineFor(vault, new NodeFolderSource(root), { settleMs: 10_000 })
    const report = await engine.scan()
    assert.equal(report.uploaded, 1)
    assert.equal(await vaultText(vault, 'Documents/photo.jpg'), 'pixels')
  })
})
