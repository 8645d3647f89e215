import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { CountingSource, diskTexts, engineFor, put, tempFolder, vaultTexts } from './support.ts'

// Renamed on another device while edited here: the edit is the renamed
// file's next version, and the disk file takes the new name.

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const NOW = Date.UTC(2026, 5, 1)

describe('folder sync: two-way, renamed elsewhere and edited here', () => {
  it('the edit follows the rename: one file, at the new name, holding the edit, on both sides', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await put(root, 'a.txt', 'v1', NOW - 3_600_000)
    const { engine } = engineFor(vault, new CountingSource(root), { mode: 'two-way' }, () => NOW)
    await engine.scan()
    const file = vault.files().list().find(f => f.path === 'Documents/a.txt')
    assert.ok(file !== undefined)
    await vault.files().rename(file.fileId, 'Documents/b.txt')
    await put(root, 'a.txt', 'v2 edited on the laptop', NOW - 60_000)

    const report = await engine.scan()
    assert.equal(report.conflicts, 0)
    assert.deepEqual(await diskTexts(root), { 'b.txt': 'v2 edited on the laptop' })
    assert.deepEqual(await vaultTexts(vault), { 'Documents/b.txt': 'v2 edited on the laptop' })
    const renamed = vault.files().list().find(f => f.path === 'Documents/b.txt')
    assert.equal(renamed?.fileId, file.fileId, 'the same file, with its history')
    const earlier = vault.history().versions(file.fileId)
    assert.deepEqual(await Promise.all(earlier.map(async v => await new Response(vault.files().open(file.fileId, v.versionId).stream).text())), ['v1'])
    const again = await engine.scan()
    assert.equal(again.uploaded + again.deduplicated + again.moved + again.deleted + again.written + again.trashed + again.conflicts, 0, 'the next scan finds both sides agreeing')
  })

  it('moved out of the synced folder elsewhere: the edit stays here as a file of its own, and the moved file keeps its content', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await put(root, 'a.txt', 'v1', NOW - 3_600_000)
    const { engine } = engineFor(vault, new CountingSource(root), { mode: 'two-way' }, () => NOW)
    await engine.scan()
    const file = vault.files().list().find(f => f.path === 'Documents/a.txt')
    assert.ok(file !== undefined)
    await vault.files().rename(file.fileId, 'Archive/a.txt')
    await put(root, 'a.txt', 'v2 edited on the laptop', NOW - 60_000)

    await engine.scan()
    assert.deepEqual(await diskTexts(root), { 'a.txt': 'v2 edited on the laptop' })
    assert.deepEqual(await vaultTexts(vault), { 'Archive/a.txt': 'v1', 'Documents/a.txt': 'v2 edited on the laptop' })
  })
})
