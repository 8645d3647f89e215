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
