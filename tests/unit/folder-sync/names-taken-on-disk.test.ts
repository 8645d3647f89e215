import assert from 'node:assert/strict'
import { readdir, readFile, stat as fsStat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import type { FolderEntry } from '../../../core/folder-sync/folder-source.ts'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { CountingSource, engineFor, put, tempFolder } from './support.ts'

// Two-way sync writes every vault file into the folder, or says which it did not.

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

type Vault = Awaited<ReturnType<typeof startVault>>['vault']
const remoteAdd = async (vault: Vault, path: string, content: string): Promise<void> => {
  await vault.files().add({ file: new Blob([content]), path, mtime: Date.UTC(2024, 1, 2), type: '' })
}

/** The node adapter as on a case-insensitive disk (APFS, NTFS): a stat of "case.txt" finds "Case.txt". */
class CaseInsensitiveSource extends CountingSource {
  override readonly nameRules = { windows: false, caseInsensitive: true }
  constructor (private readonly folder: string) { super(folder) }

  override async stat (path: string): Promise<FolderEntry | undefined> {
    const slash = path.lastIndexOf('/')
    const dir = join(this.folder, path.slice(0, slash + 1))
    const names = await readdir(dir).catch(() => [] as string[])
    const real = names.find(n => n.toLowerCase() === path.slice(slash + 1).toLowerCase())
    if (real === undefined) return undefined
    const info = await fsStat(join(dir, real))
    return { path, size: info.size, mtime: Math.round(info.mtimeMs) }
  }
}

describe('folder sync: vault files the folder cannot hold under their own name', () => {
  it('on a case-insensitive disk, two vault files differing only in case are both written, one under a free name', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const { engine } = engineFor(vault, new CaseInsensitiveSource(root), { mode: 'two-way' })
    await remoteAdd(vault, 'Documents/Case.txt', 'upper')
    await remoteAdd(vault, 'Documents/case.txt', 'lower')
    const report = await engine.scan()
    assert.equal(report.written, 2)
    assert.deepEqual(report.skipped, [])
    const disk = (await readdir(root)).sort()
    assert.equal(disk.length, 2)
    const byName = Object.fromEntries(await Promise.all(disk.map(async n => [n, await readFile(join(root, n), 'utf8')])))
    const renamed = report.renamedForDisk
    assert.equal(renamed.length, 1, 'says which went under another name')
    const [{ vaultPath, diskPath }] = renamed as [{ vaultPath: string, diskPath: string }]
    assert.equal(byName[diskPath], vaultPath === 'Documents/case.txt' ? 'lower' : 'upper')
    assert.deepEqual(Object.values(byName).sort(), ['lower', 'upper'])
    const next = await engine.scan()
    assert.deepEqual([next.uploaded, next.deduplicated, next.written, next.skipped.length], [0, 0, 0, 0], 'then in step')
  })

  it('a vault file whose name a file not yet synced holds here is reported, and that file is left as it is', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const now = Date.now()
    await put(root, 'draft.txt', 'mine, still being written', now)
    const { engine } = engineFor(vault, new CountingSource(root), { mode: 'two-way', settleMs: 60_000 }, () => now)
    await remoteAdd(vault, 'Documents/draft.txt', 'from the phone')
    const report = await engine.scan()
    assert.equal(report.unsettled, 1)
    assert.deepEqual(report.skipped, [{ path: 'draft.txt', code: 'FOLDER_FILE_EXISTS' }])
    assert.equal(await readFile(join(root, 'draft.txt'), 'utf8'), 'mine, still being written')
  })
})
