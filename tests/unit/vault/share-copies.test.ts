import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import type { MemoryBlockstore } from 'blockstore-core'
import { CID } from 'multiformats/cid'
import type { Blockstore } from 'interface-blockstore'
import { decodeFolderListing, FOLDER_SHARE_TYPE } from '../../../core/share/folder-listing.ts'
import { readDecrypted } from '../../../core/storage/encrypted-content.ts'
import { copyFile, copyFolder } from '../../../core/vault/share-copies.ts'
import { allBlocks, dagBlocks, hashOf, randomBytes, readAll, rejectsWith, startVault, type Cleanups } from './share-test-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const clean of cleanups.splice(0).reverse()) await clean() })

/** A vault holding trip/a.txt, trip/sub/b.bin (three 1 MiB chunks), and two files outside "trip". */
async function setup () {
  const { vault, blockstore } = await startVault(cleanups)
  const contents = new Map<string, Uint8Array<ArrayBuffer>>([
    ['trip/a.txt', randomBytes(100_000)],
    ['trip/sub/b.bin', randomBytes(2_500_000)],
    ['outside.txt', randomBytes(5_000)],
    // Starts with "trip" but is not inside the folder "trip".
    ['tripod/c.txt', randomBytes(3_000)]
  ])
  const ids = new Map<string, string>()
  for (const [path, bytes] of contents) {
    const type = path.endsWith('.txt') ? 'text/plain' : 'application/octet-stream'
    const { file } = await vault.files().add({ file: new Blob([bytes]), path, mtime: 1_700_000_000_000, type })
    ids.set(path, file.fileId)
  }
  return { vault, blockstore, files: vault.files(), contents, ids }
}

/** The store with `onPut(n)` called before its n-th put (1-based) goes through. */
function watchPuts (store: MemoryBlockstore, onPut: (n: number) => void): Blockstore {
  let puts = 0
  return new Proxy(store, {
    get (target, prop, receiver) {
      if (prop === 'put') {
        return async (...args: Parameters<MemoryBlockstore['put']>) => {
          onPut(++puts)
          return await target.put(...args)
        }
      }
      const value: unknown = Reflect.get(target, prop, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}

describe('copyFolder', () => {
  it('a listing under its own key naming exactly the folder\'s files by relative path, each a fresh copy under its own key', async () => {
    const { blockstore, files, contents } = await setup()
    const before = await allBlocks(blockstore)
    const copy = await copyFolder(files, blockstore, 'trip')

    assert.equal(copy.name, 'trip')
    assert.equal(copy.type, FOLDER_SHARE_TYPE)
    assert.equal(copy.fileCount, 2)
    assert.equal(copy.contentBytes, 100_000 + 2_500_000)
    assert.equal(copy.shareKey.length, 32)

    const listingBytes = await readAll(readDecrypted(blockstore, copy.cid, copy.shareKey.slice(), { plaintextLength: copy.size }))
    assert.equal(listingBytes.length, copy.size)
    const listing = decodeFolderListing(listingBytes)
    assert.deepEqual(listing.map(e => [e.path, e.size, e.type]), [['a.txt', 100_000, 'text/plain'], ['sub/b.bin', 2_500_000, 'application/octet-stream']])
    for (const entry of listing) {
      const plaintext = await readAll(readDecrypted(blockstore, entry.cid, entry.key.slice(), { plaintextLength: entry.size }))
      assert.deepEqual(plaintext, contents.get(`trip/${entry.path}`), `${entry.path} decrypts to the original`)
      assert.notDeepEqual(entry.key, copy.shareKey, 'each file has its own key')
    }
    assert.notDeepEqual(listing[0]?.key, listing[1]?.key)

    assert.deepEqual(copy.roots, [copy.cid.toString(), ...listing.map(e => e.cid.toString())])

    // The blocks are exactly the listing's and the two copies' DAGs, all new.
    const expected = new Set<string>()
    for (const root of copy.roots) for (const cid of await dagBlocks(blockstore, root)) expected.add(hashOf(cid))
    assert.equal(new Set(copy.blocks.map(hashOf)).size, copy.blocks.length, 'no block listed twice')
    assert.deepEqual(new Set(copy.blocks.map(hashOf)), expected)
    for (const block of copy.blocks) assert.equal(before.has(hashOf(block)), false, 'no block shared with the vault\'s copies')
    const after = await allBlocks(blockstore)
    assert.deepEqual(new Set([...after].filter(h => !before.has(h))), expected, 'nothing else was written')
  })

  it('leaves out files beside the folder and in folders whose name only starts the same; a trailing / is the same folder', async () => {
    const { blockstore, files } = await setup()
    const copy = await copyFolder(files, blockstore, 'trip/')
    const listing = decodeFolderListing(await readAll(readDecrypted(blockstore, copy.cid, copy.shareKey.slice())))
    assert.deepEqual(listing.map(e => e.path), ['a.txt', 'sub/b.bin'])
    const sub = await copyFolder(files, blockstore, 'trip/sub')
    assert.equal(sub.name, 'sub')
    assert.deepEqual(decodeFolderListing(await readAll(readDecrypted(blockstore, sub.cid, sub.shareKey.slice()))).map(e => e.path), ['b.bin'])
  })

  it('a folder with no files is FILE_NOT_FOUND and writes nothing', async () => {
    const { blockstore, files } = await setup()
    const before = await allBlocks(blockstore)
    for (const folder of ['nope', 'tri', 'trip/a.txt', '', 'TRIP']) {
      await rejectsWith(copyFolder(files, blockstore, folder), 'FILE_NOT_FOUND')
    }
    assert.deepEqual(await allBlocks(blockstore), before)
  })

  it('aborted after the first file\'s copy: every block written so far is deleted', async () => {
    const { blockstore, files, ids } = await setup()
    // How many puts one copy of trip/a.txt takes, so the abort lands inside the second file.
    const probe = await copyFile(files, blockstore, ids.get('trip/a.txt') as string)
    for (const block of probe.blocks) await blockstore.delete(CID.parse(block))
    const before = await allBlocks(blockstore)
    const controller = new AbortController()
    let written = 0
    const store = watchPuts(blockstore, (n) => { written = n; if (n === probe.blocks.length + 2) controller.abort() })
    await assert.rejects(copyFolder(files, store, 'trip', controller.signal))
    assert.ok(written > probe.blocks.length, 'the first file had been copied when it failed')
    assert.deepEqual(await allBlocks(blockstore), before)
  })

  it('a source file whose blocks are gone fails the share and leaves nothing behind', async () => {
    const { blockstore, files, ids } = await setup()
    const source = files.sourceOf(ids.get('trip/sub/b.bin') as string)
    const leaves = (await dagBlocks(blockstore, source.info.cid)).filter(cid => cid.code !== dagPb.code)
    assert.ok(leaves.length >= 3)
    await blockstore.delete(leaves.at(-1) as CID)
    const before = await allBlocks(blockstore)
    let puts = 0
    await assert.rejects(copyFolder(files, watchPuts(blockstore, () => { puts++ }), 'trip'))
    assert.ok(puts > 0, 'trip/a.txt had been copied when it failed')
    assert.deepEqual(await allBlocks(blockstore), before)
  })

  it('a write failing at any point, the listing\'s included, leaves nothing behind', async () => {
    const { blockstore, files } = await setup()
    let total = 0
    const whole = await copyFolder(files, watchPuts(blockstore, (n) => { total = n }), 'trip')
    for (const block of whole.blocks) await blockstore.delete(CID.parse(block))
    const before = await allBlocks(blockstore)
    assert.ok(total >= whole.blocks.length)
    for (let failAt = 1; failAt <= total; failAt++) {
      const store = watchPuts(blockstore, (n) => { if (n === failAt) throw new Error(`disk failed at put ${n}`) })
      await assert.rejects(copyFolder(files, store, 'trip'), /disk failed/, `put ${failAt} of ${total}`)
      assert.deepEqual(await allBlocks(blockstore), before, `after a failure at put ${failAt} of ${total}`)
    }
  })
})
