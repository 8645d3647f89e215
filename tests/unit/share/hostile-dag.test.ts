// A share's blocks come from whoever the link names: each block is checked
// against its CID, but the shape of the tree is the sender's choice.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import { MemoryBlockstore } from 'blockstore-core'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { isCairnError } from '../../../core/errors.ts'
import { generateFileKey } from '../../../core/crypto/stream-format.ts'
import { findShare, readShare, type ShareReader } from '../../../core/share/open-share.ts'
import { RecordingBlockstore, storeEncrypted } from '../../../core/storage/encrypted-content.ts'
import type { Helia } from '@helia/interface'

/** Counts the blocks asked for: what a recipient would fetch from the sender's peers; each comes a turn later, as from a network. */
class CountingBlockstore extends MemoryBlockstore {
  gets = 0
  override async * get (...args: Parameters<MemoryBlockstore['get']>): ReturnType<MemoryBlockstore['get']> {
    this.gets++
    await new Promise(resolve => setImmediate(resolve))
    yield * super.get(...args)
  }
}

it('a share whose tree is a chain of thousands of nodes fails as not a Cairn file after a few blocks, not by running out of stack', async () => {
  const store = new CountingBlockstore()
  const key = generateFileKey()
  const plaintext = new Uint8Array(1000).fill(7)
  let cid = await storeEncrypted(new RecordingBlockstore(store), new Response(plaintext).body as ReadableStream<Uint8Array>, { fileKey: key.slice() })
  // Every block valid, each node with one child: Cairn's files are a few levels deep, whatever their size.
  for (let depth = 0; depth < 20_000; depth++) {
    const bytes = dagPb.encode(dagPb.prepare({ Data: new UnixFS({ type: 'file' }).marshal(), Links: [{ Hash: cid, Tsize: 0 }] }))
    cid = CID.createV1(dagPb.code, await sha256.digest(bytes))
    await store.put(cid, bytes)
  }
  store.gets = 0
  const fields = { cid, shareKey: key, name: 'deep.bin', size: plaintext.length, type: '', hints: [] }
  await assert.rejects(
    new Response(readShare({ blockstore: store as unknown as Helia['blockstore'] }, fields, { stallTimeoutMs: 1000 })).arrayBuffer(),
    (err: unknown) => isCairnError(err) && err.code === 'FORMAT_INVALID'
  )
  assert.ok(store.gets < 100, `fetched ${store.gets} blocks`)
})

it('a share whose tree repeats an empty leaf without end fails as not a Cairn file, instead of reading forever', async () => {
  const store = new CountingBlockstore()
  const key = generateFileKey()
  const plaintext = new Uint8Array(1000).fill(7)
  const real = await storeEncrypted(new RecordingBlockstore(store), new Response(plaintext).body as ReadableStream<Uint8Array>, { fileKey: key.slice() })
  const node = async (links: Array<{ Hash: CID, Tsize: number }>): Promise<CID> => {
    const bytes = dagPb.encode(dagPb.prepare({ Data: new UnixFS({ type: 'file' }).marshal(), Links: links }))
    const cid = CID.createV1(dagPb.code, await sha256.digest(bytes))
    await store.put(cid, bytes)
    return cid
  }
  // An empty raw block, valid under its CID; 1000 links to it, 1000 links to that node, …: 10^12 leaves in a few blocks.
  const emptyBytes = new Uint8Array(0)
  let empties: CID = CID.createV1(0x55, await sha256.digest(emptyBytes))
  await store.put(empties, emptyBytes)
  for (let level = 0; level < 4; level++) empties = await node(Array.from({ length: 1000 }, () => ({ Hash: empties, Tsize: 0 })))
  const cid = await node([{ Hash: empties, Tsize: 0 }, { Hash: real, Tsize: 0 }])
  const fields = { cid, shareKey: key, name: 'endless.bin', size: plaintext.length, type: '', hints: [] }
  // A bound for the test itself: reading every empty leaf would take days.
  const signal = AbortSignal.timeout(10_000)
  await assert.rejects(
    new Response(readShare({ blockstore: store as unknown as Helia['blockstore'] }, fields, { stallTimeoutMs: 1000, signal })).arrayBuffer(),
    (err: unknown) => isCairnError(err) && err.code === 'FORMAT_INVALID'
  )
})

it('a link whose key does not open what its address names (a vault\'s own blocks, a raw block) is damaged when opened, not when a download breaks', async () => {
  const store = new MemoryBlockstore()
  // A vault's file, encrypted under a key the link does not carry.
  const vaultFile = await storeEncrypted(new RecordingBlockstore(store), new Response(new Uint8Array(500).fill(1)).body as ReadableStream<Uint8Array>, { fileKey: generateFileKey() })
  // Any raw block, such as a sealed index block.
  const block = crypto.getRandomValues(new Uint8Array(300))
  const rawBlock = CID.createV1(0x55, await sha256.digest(block))
  await store.put(rawBlock, block)
  const helia = { blockstore: store as unknown as Helia['blockstore'], libp2p: { dial: async () => { throw new Error('no hints to dial') } } } as unknown as ShareReader
  for (const cid of [vaultFile, rawBlock]) {
    const fields = { cid, shareKey: generateFileKey(), name: 'photo.png', size: 500, type: 'image/png', hints: [] }
    await assert.rejects(findShare(helia, fields, { findTimeoutMs: 5_000 }), (err: unknown) => isCairnError(err) && err.code === 'SHARE_LINK_DAMAGED', cid.toString())
  }
})
