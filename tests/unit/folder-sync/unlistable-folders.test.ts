import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { afterEach, describe, it } from 'node:test'
import type { FolderEntry, FolderListOptions } from '../../../core/folder-sync/folder-source.ts'
import { NodeFolderSource } from '../../../desktop/folders/node-folder-source.ts'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { engineFor, put, tempFolder, vaultTexts } from './support.ts'

// A folder inside the synced one that cannot be listed (nested deeper than the
// system's longest path, or one the user may not read) is reported by name,
// with the reason; the rest of the folder goes on syncing, and the files the
// vault already holds from inside it are not taken for deleted.

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

/** Folders nested under `root` until their path is longer than Linux's PATH_MAX (4096); returns the first one. */
function tooDeep (root: string): string {
  const segment = 'd'.repeat(200)
  // GNU mkdir -p and rm -r walk one folder at a time, so they handle paths longer than any one call could take (node:fs cannot).
  execFileSync('mkdir', ['-p', Array(24).fill(segment).join('/')], { cwd: root })
  cleanups.push(() => { execFileSync('rm', ['-rf', segment], { cwd: root }) })
  return segment
}

/** The node adapter, unable to list the folders in `unreadable` (EACCES), as a folder without read permission is. */
class UnreadableFolders extends NodeFolderSource {
  readonly unreadable = new Set<string>()
  override async * list (options: FolderListOptions = {}): AsyncIterable<FolderEntry> {
    for (const folder of this.unreadable) options.onSkipped?.(folder, 'EACCES')
    for await (const entry of super.list({ ...options, skipFolder: (path) => this.unreadable.has(path) || options.skipFolder?.(path) === true })) yield entry
  }
}

describe('folder sync: a folder that cannot be listed', () => {
  it('a folder nested too deep is reported; the files beside it are backed up', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await put(root, 'notes.txt', 'my notes')
    await put(root, 'sub/plan.txt', 'the plan')
    const deep = tooDeep(root)
    const { engine } = engineFor(vault, new NodeFolderSource(root))
    const report = await engine.scan()
    assert.deepEqual(await vaultTexts(vault), { 'Documents/notes.txt': 'my notes', 'Documents/sub/plan.txt': 'the plan' })
    assert.equal(report.skipped.length, 1)
    assert.ok(report.skipped[0]?.path.startsWith(`${deep}/`), 'the folder that could not be listed is named')
    assert.equal(report.skipped[0]?.code, 'FOLDER_PATH_TOO_LONG')
  })

  it('files already backed up from a folder that can no longer be listed stay in the vault', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await put(root, 'photos/cat.jpg', 'a cat')
    await put(root, 'photos/2024/dog.jpg', 'a dog')
    await put(root, 'notes.txt', 'my notes')
    const source = new UnreadableFolders(root)
    const { engine } = engineFor(vault, source, { mode: 'two-way' })
    await engine.scan()
    source.unreadable.add('photos')
    await put(root, 'new.txt', 'a new file')
    const report = await engine.scan()
    assert.equal(report.deleted, 0)
    assert.deepEqual(report.skipped, [{ path: 'photos', code: 'FOLDER_ACCESS_DENIED' }])
    assert.deepEqual(await vaultTexts(vault), { 'Documents/new.txt': 'a new file', 'Documents/notes.txt': 'my notes', 'Documents/photos/2024/dog.jpg': 'a dog', 'Documents/photos/cat.jpg': 'a cat' })
    // Readable again: nothing to send, nothing lost.
    source.unreadable.delete('photos')
    const later = await engine.scan()
    assert.deepEqual([later.uploaded, later.deleted, later.written, later.conflicts], [0, 0, 0, 0])
    assert.equal(later.tracked, 4)
  })
})
