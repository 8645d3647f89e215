import assert from 'node:assert/strict'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { conflictName } from '../../../core/index/conflict-name.ts'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { CountingSource, diskTexts, engineFor, put, tempFolder, vaultTexts } from './support.ts'

// One file the disk refuses to read or move (permission denied, held open by
// another program, a read-only folder) is reported and tried again at the
// next scan; it never stops the rest of the folder from syncing.

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const NOW = Date.UTC(2026, 5, 1)
const SETTLED = NOW - 3_600_000
const refused = (code: string): Error => Object.assign(new Error(`${code}: refused by the disk`), { code })

/** The node adapter, refusing to read the paths in `unreadable` (EACCES) and to move those in `busy` (EBUSY). */
class RefusingSource extends CountingSource {
  readonly unreadable = new Set<string>()
  readonly busy = new Set<string>()
  override async read (path: string): Promise<ReadableStream<Uint8Array>> {
    if (this.unreadable.has(path)) throw refused('EACCES')
    return await super.read(path)
  }

  override async rename (from: string, to: string): Promise<void> {
    if (this.busy.has(from)) throw refused('EBUSY')
    await super.rename(from, to)
  }

  override async trash (path: string, now: number): Promise<string> {
    if (this.busy.has(path)) throw refused('EBUSY')
    return await super.trash(path, now)
  }
}

describe('folder sync: a file the disk refuses', () => {
  it('an unreadable new file the size of a deleted one is skipped and reported; the others sync, and it does once readable', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const source = new RefusingSource(root)
    await put(root, 'a.txt', 'hello', SETTLED)
    const { engine } = engineFor(vault, source, {}, () => NOW)
    await engine.scan()
    await rm(join(root, 'a.txt'))
    await put(root, 'secret.txt', 'xxxxx', SETTLED)
    await put(root, 'new.txt', 'a new file', SETTLED)
    source.unreadable.add('secret.txt')

    const report = await engine.scan()
    assert.deepEqual(report.skipped, [{ path: 'secret.txt', code: 'FOLDER_ACCESS_DENIED' }])
    assert.deepEqual(await vaultTexts(vault), { 'Documents/new.txt': 'a new file' })
    source.unreadable.delete('secret.txt')
    await engine.scan()
    assert.deepEqual(await vaultTexts(vault), { 'Documents/new.txt': 'a new file', 'Documents/secret.txt': 'xxxxx' })
  })

  it('two-way, an unreadable file at a path the vault holds is skipped, never overwritten, and compared once readable', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const source = new RefusingSource(root)
    await vault.files().add({ file: new Blob(['from the phone']), path: 'Documents/shared.txt', mtime: Date.UTC(2024, 1, 2), type: '' })
    await put(root, 'shared.txt', 'mine', SETTLED)
    await put(root, 'new.txt', 'a new file', SETTLED)
    source.unreadable.add('shared.txt')
    const { engine } = engineFor(vault, source, { mode: 'two-way' }, () => NOW)

    const report = await engine.scan()
    assert.deepEqual(report.skipped, [{ path: 'shared.txt', code: 'FOLDER_ACCESS_DENIED' }])
    assert.equal(await readFile(join(root, 'shared.txt'), 'utf8'), 'mine')
    assert.deepEqual(await vaultTexts(vault), { 'Documents/new.txt': 'a new file', 'Documents/shared.txt': 'from the phone' })
    source.unreadable.delete('shared.txt')
    await engine.scan()
    const aside = conflictName('shared.txt', 'laptop', NOW)
    assert.deepEqual(await diskTexts(root), { [aside]: 'mine', 'new.txt': 'a new file', 'shared.txt': 'from the phone' })
    assert.deepEqual(await vaultTexts(vault), { [`Documents/${aside}`]: 'mine', 'Documents/new.txt': 'a new file', 'Documents/shared.txt': 'from the phone' })
  })

  it('two-way, a file deleted elsewhere that cannot go to .cairn-trash stays until it can; the others sync meanwhile', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const source = new RefusingSource(root)
    await put(root, 'locked.txt', 'open in another program', SETTLED)
    const { engine } = engineFor(vault, source, { mode: 'two-way' }, () => NOW)
    await engine.scan()
    const file = vault.files().list().find(f => f.path === 'Documents/locked.txt')
    assert.ok(file !== undefined)
    await vault.files().remove(file.fileId)
    await put(root, 'new.txt', 'a new file', SETTLED)
    source.busy.add('locked.txt')

    const report = await engine.scan()
    assert.deepEqual(report.skipped, [{ path: 'locked.txt', code: 'FOLDER_FILE_BUSY' }])
    assert.deepEqual(await vaultTexts(vault), { 'Documents/new.txt': 'a new file' }, 'the busy file is not sent back to the vault')
    assert.deepEqual(await diskTexts(root), { 'locked.txt': 'open in another program', 'new.txt': 'a new file' })
    source.busy.delete('locked.txt')
    const later = await engine.scan()
    assert.equal(later.trashed, 1)
    assert.deepEqual(await diskTexts(root), { 'new.txt': 'a new file' })
    assert.equal(await readFile(join(root, '.cairn-trash/2026-06-01/locked.txt'), 'utf8'), 'open in another program')
  })

  it('two-way, a conflict whose file cannot be moved aside leaves both versions as they are until it can', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const source = new RefusingSource(root)
    await put(root, 'plan.txt', 'v1', SETTLED)
    const { engine } = engineFor(vault, source, { mode: 'two-way' }, () => NOW)
    await engine.scan()
    await vault.files().add({ file: new Blob(['v2 from the phone']), path: 'Documents/plan.txt', mtime: Date.UTC(2024, 1, 2), type: '' })
    await put(root, 'plan.txt', 'v2 from the laptop', NOW - 60_000)
    source.busy.add('plan.txt')

    const report = await engine.scan()
    assert.deepEqual(report.skipped, [{ path: 'plan.txt', code: 'FOLDER_FILE_BUSY' }])
    assert.deepEqual(await diskTexts(root), { 'plan.txt': 'v2 from the laptop' })
    assert.deepEqual(await vaultTexts(vault), { 'Documents/plan.txt': 'v2 from the phone' })
    source.busy.delete('plan.txt')
    await engine.scan()
    const aside = conflictName('plan.txt', 'laptop', NOW)
    assert.deepEqual(await diskTexts(root), { [aside]: 'v2 from the laptop', 'plan.txt': 'v2 from the phone' })
    assert.deepEqual(await vaultTexts(vault), { [`Documents/${aside}`]: 'v2 from the laptop', 'Documents/plan.txt': 'v2 from the phone' })
  })
})
