import assert from 'node:assert/strict'
import { lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { restoreFolder } from '../../../core/folder-sync/restore-folder.ts'
import { syncVaultOf } from '../../../core/folder-sync/vault-port.ts'
import { NodeFolderSource } from '../../../desktop/folders/node-folder-source.ts'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { engineFor, tempFolder } from '../folder-sync/support.ts'

// A symbolic link in a synced folder is never followed and never listed, so to the engine its
// name looked free (source.stat answers undefined for anything but a plain file), and write()
// renamed the vault file over the user's link; restore called a folder of links "empty".

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })
const A_YEAR_AGO = Date.UTC(2025, 0, 1)

async function outsideFile (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-outside-'))
  cleanups.push(async () => { await rm(dir, { recursive: true, force: true }) })
  const file = join(dir, 'notes.md')
  await writeFile(file, 'the real notes')
  return file
}

async function assertLinkKept (link: string, target: string): Promise<void> {
  assert.ok((await lstat(link)).isSymbolicLink(), 'the user\'s link was replaced by a plain file')
  assert.equal(await readlink(link), target)
  assert.equal(await readFile(target, 'utf8'), 'the real notes', 'the file the link points to was changed')
}

describe('folder sync and restore never write over a name held by a link or a folder', () => {
  it('write refuses a name held by a link (FOLDER_FILE_EXISTS), and by a folder', async () => {
    const root = await tempFolder(cleanups)
    const target = await outsideFile()
    await symlink(target, join(root, 'notes.md'))
    await mkdir(join(root, 'photos'))
    const source = new NodeFolderSource(root)
    await assert.rejects(source.write('notes.md', new Blob(['x']).stream(), A_YEAR_AGO), { code: 'FOLDER_FILE_EXISTS' })
    await assert.rejects(source.write('photos', new Blob(['x']).stream(), A_YEAR_AGO), { code: 'FOLDER_FILE_EXISTS' })
    await assertLinkKept(join(root, 'notes.md'), target)
    assert.ok((await lstat(join(root, 'photos'))).isDirectory())
  })

  it('write still replaces a plain file', async () => {
    const root = await tempFolder(cleanups)
    await writeFile(join(root, 'notes.md'), 'old')
    await new NodeFolderSource(root).write('notes.md', new Blob(['new']).stream(), A_YEAR_AGO)
    assert.equal(await readFile(join(root, 'notes.md'), 'utf8'), 'new')
  })

  it('two-way: a vault file from another device does not replace a link of the same name, and says so', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const target = await outsideFile()
    await symlink(target, join(root, 'notes.md'))
    await vault.files().add({ file: new Blob(['from the phone']), path: 'Documents/notes.md', mtime: A_YEAR_AGO, type: '' })
    const { engine } = engineFor(vault, new NodeFolderSource(root), { mode: 'two-way' })
    const report = await engine.scan()
    await assertLinkKept(join(root, 'notes.md'), target)
    assert.deepEqual(report.skipped, [{ path: 'notes.md', code: 'FOLDER_FILE_EXISTS' }])
    assert.equal(report.written, 0)
    // The next scan neither writes over it nor takes the link's target in.
    const again = await engine.scan()
    await assertLinkKept(join(root, 'notes.md'), target)
    assert.deepEqual(again.skipped, [{ path: 'notes.md', code: 'FOLDER_FILE_EXISTS' }])
    assert.deepEqual(vault.files().list().map(f => f.path), ['Documents/notes.md'])
  })

  it('restore: a folder holding links is not empty, and its links are not replaced', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const target = await outsideFile()
    await symlink(target, join(root, 'notes.md'))
    await vault.files().add({ file: new Blob(['restored']), path: 'Documents/notes.md', mtime: A_YEAR_AGO, type: '' })
    await assert.rejects(restoreFolder(new NodeFolderSource(root), syncVaultOf(() => vault.files()), 'Documents'), { code: 'FOLDER_NOT_EMPTY' })
    await assertLinkKept(join(root, 'notes.md'), target)
  })

  it('restore: a folder holding only an empty folder is not empty; one holding only its trash is', async () => {
    const { vault } = await startVault(cleanups)
    await vault.files().add({ file: new Blob(['restored']), path: 'Documents/notes.md', mtime: A_YEAR_AGO, type: '' })
    const withFolder = await tempFolder(cleanups)
    await mkdir(join(withFolder, 'empty'))
    await assert.rejects(restoreFolder(new NodeFolderSource(withFolder), syncVaultOf(() => vault.files()), 'Documents'), { code: 'FOLDER_NOT_EMPTY' })
    const withTrash = await tempFolder(cleanups)
    await mkdir(join(withTrash, '.cairn-trash', '2025-01-01'), { recursive: true })
    assert.deepEqual(await restoreFolder(new NodeFolderSource(withTrash), syncVaultOf(() => vault.files()), 'Documents'), { files: 1, bytes: 8, failed: [] })
    assert.equal(await readFile(join(withTrash, 'notes.md'), 'utf8'), 'restored')
  })
})
