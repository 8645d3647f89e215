import assert from 'node:assert/strict'
import { rename } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { conflictName } from '../../../core/index/conflict-name.ts'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { CountingSource, diskTexts, engineFor, put, tempFolder, vaultTexts } from './support.ts'

// A file moved on disk is recorded as a rename in the vault. When the vault
// cannot follow (the file was deleted there, or another file took the new
// name), the scan once threw on every run and the folder never synced again.

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const NOW = Date.UTC(2026, 5, 1)
const SETTLED = NOW - 3_600_000
const fromPhone = async (vault: Awaited<ReturnType<typeof startVault>>['vault'], path: string, content: string): Promise<void> => {
  await vault.files().add({ file: new Blob([content]), path, mtime: Date.UTC(2024, 1, 2), type: '' })
}

describe('folder sync: a move on disk the vault cannot follow', () => {
  it('moved on disk after it was deleted in the vault: backed up again as a new file, and the folder keeps syncing', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await put(root, 'a.txt', 'hello', SETTLED)
    await put(root, 'other.txt', 'unrelated', SETTLED)
    const { engine } = engineFor(vault, new CountingSource(root), {}, () => NOW)
    await engine.scan()
    const file = vault.files().list().find(f => f.path === 'Documents/a.txt')
    assert.ok(file !== undefined)
    await vault.files().remove(file.fileId)
    await rename(join(root, 'a.txt'), join(root, 'b.txt'))
    await put(root, 'new.txt', 'a new file', SETTLED)

    await engine.scan()
    assert.deepEqual(await vaultTexts(vault), { 'Documents/b.txt': 'hello', 'Documents/new.txt': 'a new file', 'Documents/other.txt': 'unrelated' })
    const again = await engine.scan()
    assert.equal(again.uploaded + again.deduplicated + again.moved + again.deleted, 0, 'the next scan finds nothing left to do')
  })

  it('two-way, moved on disk after it was deleted on another device: the disk keeps it and the vault has it back', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await put(root, 'a.txt', 'hello', SETTLED)
    const { engine } = engineFor(vault, new CountingSource(root), { mode: 'two-way' }, () => NOW)
    await engine.scan()
    const file = vault.files().list().find(f => f.path === 'Documents/a.txt')
    assert.ok(file !== undefined)
    await vault.files().remove(file.fileId)
    await rename(join(root, 'a.txt'), join(root, 'b.txt'))

    await engine.scan()
    await engine.scan()
    assert.deepEqual(await diskTexts(root), { 'b.txt': 'hello' })
    assert.deepEqual(await vaultTexts(vault), { 'Documents/b.txt': 'hello' })
  })

  it('backup, moved onto a name another device used in the vault: the disk wins, the other content stays an earlier version', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await put(root, 'a.txt', 'hello', SETTLED)
    const { engine } = engineFor(vault, new CountingSource(root), {}, () => NOW)
    await engine.scan()
    await fromPhone(vault, 'Documents/b.txt', 'from the phone')
    await rename(join(root, 'a.txt'), join(root, 'b.txt'))
    await put(root, 'new.txt', 'a new file', SETTLED)

    await engine.scan()
    assert.deepEqual(await vaultTexts(vault), { 'Documents/b.txt': 'hello', 'Documents/new.txt': 'a new file' })
    const b = vault.files().list().find(f => f.path === 'Documents/b.txt')
    assert.ok(b !== undefined)
    const versions = vault.history().versions(b.fileId)
    const earlier = await Promise.all(versions.map(async v => await new Response(vault.files().open(b.fileId, v.versionId).stream).text()))
    assert.deepEqual(earlier, ['from the phone'])
  })

  it('two-way, moved onto a name another device used in the vault: both kept, under the same names on both sides', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await put(root, 'a.txt', 'hello', SETTLED)
    const { engine } = engineFor(vault, new CountingSource(root), { mode: 'two-way' }, () => NOW)
    await engine.scan()
    await fromPhone(vault, 'Documents/b.txt', 'from the phone')
    await rename(join(root, 'a.txt'), join(root, 'b.txt'))

    const report = await engine.scan()
    assert.equal(report.conflicts, 1)
    const aside = conflictName('b.txt', 'laptop', NOW)
    assert.deepEqual(await diskTexts(root), { [aside]: 'hello', 'b.txt': 'from the phone' })
    assert.deepEqual(await vaultTexts(vault), { [`Documents/${aside}`]: 'hello', 'Documents/b.txt': 'from the phone' })
    const again = await engine.scan()
    assert.equal(again.uploaded + again.deduplicated + again.moved + again.deleted + again.written + again.trashed + again.conflicts, 0, 'the next scan finds both sides agreeing')
  })
})
