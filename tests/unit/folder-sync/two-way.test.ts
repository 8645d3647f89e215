import assert from 'node:assert/strict'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { CountingSource, engineFor, put, tempFolder } from './support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const text = (s: string): Blob => new Blob([s])
/** Another device's change, as it reaches this vault: an add at a path in the mapped folder. */
async function remoteAdd (vault: Awaited<ReturnType<typeof startVault>>['vault'], path: string, content: string, mtime = Date.UTC(2024, 1, 2)): Promise<string> {
  return (await vault.files().add({ file: text(content), path, mtime, type: '' })).file.fileId
}

describe('folder sync: two-way', () => {
  it('writes files added in the vault into the folder, with their mtimes, and moves what was moved', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const { engine } = engineFor(vault, new CountingSource(root), { mode: 'two-way' })
    const mtime = Date.UTC(2024, 1, 2, 3, 4, 5)
    const id = await remoteAdd(vault, 'Documents/from phone/note.txt', 'hello from the phone', mtime)
    await remoteAdd(vault, 'Elsewhere/not mapped.txt', 'x')
    const report = await engine.scan()
    assert.equal(report.written, 1)
    assert.equal(await readFile(join(root, 'from phone/note.txt'), 'utf8'), 'hello from the phone')
    assert.equal((await stat(join(root, 'from phone/note.txt'))).mtimeMs, mtime)
    assert.equal(report.uploaded, 0)
    assert.equal((await engine.scan()).uploaded, 0, 'a file written from the vault is not sent back')

    await vault.files().rename(id, 'Documents/renamed.txt')
    const moved = await engine.scan()
    assert.equal(moved.moved, 1)
    assert.equal(await readFile(join(root, 'renamed.txt'), 'utf8'), 'hello from the phone')
    await assert.rejects(stat(join(root, 'from phone/note.txt')))
  })

  it('moves a file deleted on another device into .cairn-trash, and empties it after 30 days', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    let now = Date.UTC(2026, 5, 1)
    await put(root, 'old.txt', 'old', now - 3_600_000)
    const { engine } = engineFor(vault, new CountingSource(root), { mode: 'two-way' }, () => now)
    await engine.scan()
    const file = vault.files().list().find(f => f.path === 'Documents/old.txt')
    assert.ok(file !== undefined)
    await vault.files().remove(file.fileId)
    const report = await engine.scan()
    assert.equal(report.trashed, 1)
    await assert.rejects(stat(join(root, 'old.txt')))
    assert.equal(await readFile(join(root, '.cairn-trash/2026-06-01/old.txt'), 'utf8'), 'old')
    assert.ok(!vault.files().list().some(f => f.path.includes('.cairn-trash')), 'the trash is never synced')
    now += 31 * 86_400_000
    await engine.scan()
    assert.deepEqual(await readdir(join(root, '.cairn-trash')), [], 'emptied after 30 days')
  })

  it('keeps both when a file changed on disk and in the vault at once, and never deletes what the vault does not hold', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const now = Date.UTC(2026, 5, 1)
    await put(root, 'plan.txt', 'v1', now - 3_600_000)
    const { engine } = engineFor(vault, new CountingSource(root), { mode: 'two-way', deviceLabel: 'laptop' }, () => now)
    await engine.scan()
    await remoteAdd(vault, 'Documents/plan.txt', 'v2 from the phone')
    await put(root, 'plan.txt', 'v2 from the laptop', now - 60_000)
    const report = await engine.scan()
    assert.equal(report.conflicts, 1)
    const aside = 'plan (conflict, laptop, 2026-06-01).txt'
    assert.equal(await readFile(join(root, 'plan.txt'), 'utf8'), 'v2 from the phone')
    assert.equal(await readFile(join(root, aside), 'utf8'), 'v2 from the laptop')
    const paths = vault.files().list().map(f => f.path)
    assert.ok(paths.includes('Documents/plan.txt') && paths.includes(`Documents/${aside}`), 'both are in the vault')

    // Deleted in the vault while changed on disk: the disk's version goes back to the vault, nothing is trashed.
    const file = vault.files().list().find(f => f.path === 'Documents/plan.txt')
    assert.ok(file !== undefined)
    await vault.files().remove(file.fileId)
    await put(root, 'plan.txt', 'v3 from the laptop', now - 30_000)
    const again = await engine.scan()
    assert.equal(again.trashed, 0)
    assert.equal(await readFile(join(root, 'plan.txt'), 'utf8'), 'v3 from the laptop')
    assert.ok(vault.files().list().some(f => f.path === 'Documents/plan.txt'), 'the disk\'s version is in the vault again')
  })

  it('writes names the file system cannot hold under safe names, and says which', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const source = new CountingSource(root)
    Object.defineProperty(source, 'nameRules', { value: { windows: true, caseInsensitive: true } })
    const { engine } = engineFor(vault, source, { mode: 'two-way' })
    await remoteAdd(vault, 'Documents/CON.txt', 'con')
    await remoteAdd(vault, 'Documents/a:b.txt', 'colon')
    await remoteAdd(vault, 'Documents/trailing.', 'dot')
    await remoteAdd(vault, 'Documents/Case.txt', 'upper')
    await remoteAdd(vault, 'Documents/case.txt', 'lower')
    const report = await engine.scan()
    assert.equal(report.written, 5, 'no file is dropped')
    const renamed = new Map(report.renamedForDisk.map(r => [r.vaultPath, r.diskPath]))
    assert.equal(renamed.get('Documents/CON.txt'), '_CON.txt')
    assert.equal(renamed.get('Documents/a:b.txt'), 'a_b.txt')
    assert.equal(renamed.get('Documents/trailing.'), 'trailing_')
    assert.equal(renamed.size, 4)
    assert.equal(await readFile(join(root, '_CON.txt'), 'utf8'), 'con')
    const both = [await readFile(join(root, 'Case.txt'), 'utf8').catch(() => ''), await readFile(join(root, 'case.txt'), 'utf8').catch(() => ''), await readFile(join(root, 'Case (2).txt'), 'utf8').catch(() => ''), await readFile(join(root, 'case (2).txt'), 'utf8').catch(() => '')]
    assert.deepEqual(both.filter(s => s !== '').sort(), ['lower', 'upper'], 'case-only differences both kept')
    const next = await engine.scan()
    assert.deepEqual([next.uploaded, next.deduplicated, next.written], [0, 0, 0], 'safe names are not sent back as new files')
  })
})
