import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { afterEach, describe, it } from 'node:test'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { CountingSource, engineFor, put, tempFolder } from './support.ts'

// A name that is not UTF-8 (Latin-1 "caf\xe9.txt" from an old archive or a
// Windows share) cannot be given a path: it is reported, never silently left out.

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

/** `root/<prefix>\xe9<suffix>` as raw bytes. */
function latin1 (root: string, prefix: string, suffix: string): Buffer {
  return Buffer.concat([Buffer.from(`${root}/${prefix}`), Buffer.from([0xe9]), Buffer.from(suffix)])
}

describe('folder sync: names that are not UTF-8', () => {
  it('a file and a folder with such a name are reported; the files beside them are backed up', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await put(root, 'ok.txt', 'fine')
    await writeFile(latin1(root, 'caf', '.txt'), 'latin-1 named file')
    await mkdir(latin1(root, 'r', 'sum'))
    await writeFile(Buffer.concat([latin1(root, 'r', 'sum'), Buffer.from('/cv.txt')]), 'inside a latin-1 named folder')
    const { engine } = engineFor(vault, new CountingSource(root))
    const report = await engine.scan()
    assert.deepEqual(vault.files().list().map(f => f.path), ['Documents/ok.txt'])
    assert.deepEqual(report.skipped.sort((a, b) => a.path.localeCompare(b.path)), [
      { path: 'caf\uFFFD.txt', code: 'FOLDER_NAME_NOT_UTF8' },
      { path: 'r\uFFFDsum', code: 'FOLDER_NAME_NOT_UTF8' }
    ])
  })

  it('one the ignore rules leave out is not reported', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await put(root, '.cairnignore', 'caf*\n')
    await writeFile(latin1(root, 'caf', '.txt'), 'latin-1 named file')
    const { engine } = engineFor(vault, new CountingSource(root))
    const report = await engine.scan()
    assert.deepEqual(report.skipped, [])
  })
})
