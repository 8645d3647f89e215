import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { zipEntries, zipName, zipSource } from '../../../core/vault/vault-zip.ts'
import type { FileInfo } from '../../../core/vault/vault-views.ts'
import { readZip } from '../../e2e/support/zip-reader.ts'
import { hashTag, startVault, type Cleanups } from './share-test-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const info = (path: string, size = 1): FileInfo => ({ fileId: path.replace(/\W/g, '_'), path, size, mtime: 0, type: '', cid: '' })

describe('zip entries', () => {
  const files = [info('a/x.txt'), info('a/b/y.txt'), info('ab/z.txt'), info('top.txt')]

  it('names entries by their path inside the folder, and adds the empty folders under it', () => {
    assert.deepEqual(zipEntries(files, ['a/empty'], { folder: 'a', picks: [] }).map(e => e.name), ['b/y.txt', 'x.txt', 'empty/'])
    assert.deepEqual(zipEntries(files, [], { folder: '', picks: [] }).map(e => e.name), ['a/b/y.txt', 'a/x.txt', 'ab/z.txt', 'top.txt'])
  })

  it('keeps only the picks (a file, or a folder with what is under it)', () => {
    assert.deepEqual(zipEntries(files, [], { folder: '', picks: ['a', 'top.txt'] }).map(e => e.name), ['a/b/y.txt', 'a/x.txt', 'top.txt'])
    assert.equal(zipName({ folder: 'a', picks: [] }), 'a.zip')
    assert.equal(zipName({ folder: '', picks: [] }), 'Cairn files.zip')
  })
})

describe('zip entry names from elsewhere', () => {
  // A shared folder's listing (and so a saved share) may name a file `..\\..\\evil.bat`: one vault segment, but a
  // Windows unzipper reads `\\` as a folder separator and writes outside the folder the user unzips into.
  it('has no backslash in any entry (APPNOTE 4.4.17: forward slashes only), so no entry climbs out of the zip', () => {
    const hostile = [info('From Bob/..\\..\\..\\Startup\\evil.bat'), info('From Bob/C:\\Windows\\evil.dll'), info('From Bob/ok.txt')]
    const names = zipEntries(hostile, [], { folder: 'From Bob', picks: [] }).map(e => e.name)
    assert.equal(names.length, 3)
    for (const name of names) {
      assert.ok(!name.includes('\\'), name)
      assert.ok(!name.split('/').includes('..'), name)
    }
    assert.ok(names.includes('ok.txt'))
  })

  it('keeps two files whose names become the same apart, so unzipping loses neither', () => {
    const names = zipEntries([info('a\\b.txt'), info('a_b.txt')], [], { folder: '', picks: [] }).map(e => e.name)
    assert.equal(names.length, 2)
    assert.equal(new Set(names).size, 2, names.join(', '))
    assert.ok(names.includes('a_b.txt'))
  })
})

describe('zip download', () => {
  it('streams a folder as a zip of the exact predicted length whose entries hold the files', async () => {
    const { vault } = await startVault(cleanups, hashTag, () => 0)
    const big = new Uint8Array(300_000).map((_, i) => (i * 7) % 251)
    await vault.files().add({ file: new Blob([big]), path: 'trip/photos/big.bin', mtime: 0, type: '' })
    await vault.files().add({ file: new Blob(['hello']), path: 'trip/notes.txt', mtime: 0, type: 'text/plain' })
    await vault.files().createFolder('trip/empty', 0)
    const zip = zipSource(vault.files(), { folder: 'trip', picks: [] })
    const bytes = new Uint8Array(await new Response(zip.stream).arrayBuffer())
    assert.equal(bytes.length, zip.size)
    const entries = readZip(bytes)
    assert.deepEqual(entries.map(e => e.name), ['notes.txt', 'photos/big.bin', 'empty/'])
    assert.equal(new TextDecoder().decode(entries[0]?.bytes), 'hello')
    assert.deepEqual(entries[1]?.bytes, big)
  })
})
