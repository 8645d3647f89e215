import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { isCairnError } from '../../../core/errors.ts'
import { decodeFolderListing, FOLDER_SHARE_TYPE } from '../../../core/share/folder-listing.ts'
import { readDecrypted } from '../../../core/storage/encrypted-content.ts'
import { copyFiles } from '../../../core/vault/share-copies.ts'
import { allBlocks, collect, dagBlocks, randomBytes, readAll, rejectsWith, startVault, type Cleanups } from './share-test-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const clean of cleanups.splice(0).reverse()) await clean() })

/** trip/a.txt, trip/b.txt, trip/sub/c.bin, trip/sub/d.txt and top.txt. */
async function setup () {
  const { vault, blockstore } = await startVault(cleanups)
  const contents = new Map<string, Uint8Array<ArrayBuffer>>([
    ['trip/a.txt', randomBytes(20_000)],
    ['trip/b.txt', randomBytes(3_000)],
    ['trip/sub/c.bin', randomBytes(1_200_000)],
    ['trip/sub/d.txt', randomBytes(500)],
    ['top.txt', randomBytes(700)]
  ])
  const ids = new Map<string, string>()
  for (const [path, bytes] of contents) {
    const { file } = await vault.files().add({ file: new Blob([bytes]), path, mtime: 1_700_000_000_000, type: 'text/plain' })
    ids.set(path, file.fileId)
  }
  const id = (path: string): string => ids.get(path) as string
  return { blockstore, files: vault.files(), contents, id }
}

describe('copyFiles (bulk Share)', () => {
  it('a folder-style listing of exactly the chosen files, by path relative to the folder they were picked in, each decrypting to the original', async () => {
    const { blockstore, files, contents, id } = await setup()
    const copy = await copyFiles(files, blockstore, { fileIds: [id('trip/b.txt'), id('trip/sub/c.bin'), id('trip/sub/d.txt')], base: 'trip', name: 'trip' })
    assert.equal(copy.name, 'trip')
    assert.equal(copy.type, FOLDER_SHARE_TYPE)
    assert.equal(copy.fileCount, 3)
    assert.equal(copy.contentBytes, 3_000 + 1_200_000 + 500)
    const listing = decodeFolderListing(await readAll(readDecrypted(blockstore, copy.cid, copy.shareKey.slice(), { plaintextLength: copy.size })))
    assert.deepEqual(listing.map(e => e.path), ['b.txt', 'sub/c.bin', 'sub/d.txt'], 'a.txt (not chosen) is not in it')
    for (const entry of listing) {
      const plaintext = await readAll(readDecrypted(blockstore, entry.cid, entry.key.slice(), { plaintextLength: entry.size }))
      assert.deepEqual(plaintext, contents.get(`trip/${entry.path}`))
    }
    assert.deepEqual(copy.roots, [copy.cid.toString(), ...listing.map(e => e.cid.toString())])
  })

  it('picked at the top (or in search results across folders): full paths', async () => {
    const { blockstore, files, id } = await setup()
    const copy = await copyFiles(files, blockstore, { fileIds: [id('top.txt'), id('trip/sub/d.txt')], base: '', name: '2 files' })
    const listing = decodeFolderListing(await readAll(readDecrypted(blockstore, copy.cid, copy.shareKey.slice())))
    assert.deepEqual(listing.map(e => e.path), ['top.txt', 'trip/sub/d.txt'])
    assert.equal(copy.name, '2 files')
  })

  it('refuses an empty, repeated, unknown or outside-the-folder list, or no name, and writes nothing', async () => {
    const { blockstore, files, id } = await setup()
    const before = await allBlocks(blockstore)
    await rejectsWith(copyFiles(files, blockstore, { fileIds: [], base: '', name: 'x' }), 'FILE_NOT_FOUND')
    await rejectsWith(copyFiles(files, blockstore, { fileIds: ['nope'], base: '', name: 'x' }), 'FILE_NOT_FOUND')
    await rejectsWith(copyFiles(files, blockstore, { fileIds: [id('top.txt'), id('top.txt')], base: '', name: 'x' }), 'INVALID_ARGUMENT')
    await rejectsWith(copyFiles(files, blockstore, { fileIds: [id('top.txt')], base: 'trip', name: 'trip' }), 'INVALID_ARGUMENT')
    await rejectsWith(copyFiles(files, blockstore, { fileIds: [id('top.txt')], base: '', name: ' ' }), 'INVALID_ARGUMENT')
    assert.deepEqual(await allBlocks(blockstore), before)
  })

  it('its listing, tampered or truncated, is refused as a folder share\'s is', async () => {
    const { blockstore, files, id } = await setup()
    const copy = await copyFiles(files, blockstore, { fileIds: [id('trip/a.txt'), id('top.txt')], base: '', name: '2 files' })
    const bytes = await readAll(readDecrypted(blockstore, copy.cid, copy.shareKey.slice(), { plaintextLength: copy.size }))
    for (const cut of [1, 10, Math.floor(bytes.length / 2), bytes.length - 1]) {
      assert.throws(() => decodeFolderListing(bytes.slice(0, cut)), (err: unknown) => isCairnError(err, 'FORMAT_INVALID'), `cut at ${cut}`)
    }
    // One bit of the encrypted listing flipped: reading it fails, nothing is returned.
    const [leaf] = (await dagBlocks(blockstore, copy.cid)).slice(-1)
    assert.ok(leaf !== undefined)
    const block = await collect(blockstore.get(leaf))
    block[block.length - 20] = (block[block.length - 20] as number) ^ 1
    await blockstore.put(leaf, block)
    await assert.rejects(readAll(readDecrypted(blockstore, copy.cid, copy.shareKey.slice(), { plaintextLength: copy.size })), (err: unknown) => isCairnError(err, 'CHUNK_TAMPERED'))
  })
})
