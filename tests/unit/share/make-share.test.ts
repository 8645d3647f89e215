import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import { MemoryBlockstore } from 'blockstore-core'
import { generateFileKey } from '../../../core/crypto/stream-format.ts'
import { isCairnError } from '../../../core/errors.ts'
import { makeShare } from '../../../core/share/make-share.ts'
import { readDecrypted, RecordingBlockstore, storeEncrypted } from '../../../core/storage/encrypted-content.ts'
import type { CID } from 'multiformats/cid'

function randomBytes (size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i += 65536) globalThis.crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)))
  return bytes
}

async function storeSource (store: MemoryBlockstore, plaintext: Uint8Array<ArrayBuffer>): Promise<{ cid: CID, key: Uint8Array, blocks: CID[] }> {
  const key = generateFileKey()
  const recorder = new RecordingBlockstore(store)
  const cid = await storeEncrypted(recorder, new Blob([plaintext]).stream(), { fileKey: key })
  return { cid, key, blocks: [...recorder.written] }
}

async function readAll (store: MemoryBlockstore, cid: CID, key: Uint8Array, size: number): Promise<Uint8Array> {
  return new Uint8Array(await new Response(readDecrypted(store, cid, key.slice(), { plaintextLength: size })).arrayBuffer())
}

async function count (store: MemoryBlockstore): Promise<number> {
  let n = 0
  for await (const _ of store.getAll()) n++
  return n
}

describe('makeShare: a new encrypted copy under a fresh key', () => {
  it('a few-MiB file: another CID, another key, no shared block, same plaintext', async () => {
    const store = new MemoryBlockstore()
    const plaintext = randomBytes(3 * 1024 * 1024 + 5)
    const source = await storeSource(store, plaintext)
    let stored = 0
    const share = await makeShare({ blockstore: store }, { sourceCid: source.cid, sourceKey: source.key, size: plaintext.length, onStored: n => { stored = n } })
    assert.notEqual(share.cid.toString(), source.cid.toString())
    assert.notDeepEqual(share.shareKey, source.key)
    assert.equal(share.shareKey.length, 32)
    assert.ok(stored > plaintext.length)
    // header + 4 chunks + root, none of them one of the vault copy's blocks
    assert.equal(share.blocks.length, 6)
    const sourceBlocks = new Set(source.blocks.map(c => c.toString()))
    for (const cid of share.blocks) assert.ok(!sourceBlocks.has(cid.toString()), `share block ${cid.toString()} is also a vault block`)
    assert.deepEqual(await readAll(store, share.cid, share.shareKey, plaintext.length), plaintext)
    // The vault key does not open the share, nor the share key the vault copy.
    await assert.rejects(readAll(store, share.cid, source.key, plaintext.length), (err: unknown) => isCairnError(err))
    await assert.rejects(readAll(store, source.cid, share.shareKey, plaintext.length), (err: unknown) => isCairnError(err))
    // Sharing twice gives two independent copies.
    const again = await makeShare({ blockstore: store }, { sourceCid: source.cid.toString(), sourceKey: source.key, size: plaintext.length })
    assert.notEqual(again.cid.toString(), share.cid.toString())
  })

  it('reads from readBlockstore and writes only the copy to blockstore; an empty file works', async () => {
    for (const size of [0, 70_000]) {
      const vault = new MemoryBlockstore()
      const shares = new MemoryBlockstore()
      const plaintext = randomBytes(size)
      const source = await storeSource(vault, plaintext)
      const share = await makeShare({ blockstore: shares, readBlockstore: vault }, { sourceCid: source.cid, sourceKey: source.key, size })
      assert.equal(await count(shares), share.blocks.length)
      for (const cid of source.blocks) assert.equal(await shares.has(cid), false)
      assert.deepEqual(await readAll(shares, share.cid, share.shareKey, size), plaintext)
    }
  })

  it('a tampered vault copy fails loudly and leaves no block of the copy behind', async () => {
    const vault = new MemoryBlockstore()
    const shares = new MemoryBlockstore()
    const plaintext = randomBytes(4 * 1024 * 1024)
    const source = await storeSource(vault, plaintext)
    // links: header, chunk 0..3; spoil chunk 2 so chunks 0 and 1 are copied first
    const root = dagPb.decode(await collect(vault.get(source.cid)))
    const victim = (root.Links[3] as dagPb.PBLink).Hash
    const bytes = await collect(vault.get(victim))
    bytes[100] = (bytes[100] as number) ^ 1
    await vault.put(victim, bytes)
    await assert.rejects(
      makeShare({ blockstore: shares, readBlockstore: vault }, { sourceCid: source.cid, sourceKey: source.key, size: plaintext.length }),
      (err: unknown) => isCairnError(err, 'CHUNK_TAMPERED')
    )
    assert.equal(await count(shares), 0)
  })

  it('a wrong source key or size is refused', async () => {
    const store = new MemoryBlockstore()
    const plaintext = randomBytes(1000)
    const source = await storeSource(store, plaintext)
    await assert.rejects(makeShare({ blockstore: store }, { sourceCid: source.cid, sourceKey: generateFileKey(), size: 1000 }), (err: unknown) => isCairnError(err))
    await assert.rejects(makeShare({ blockstore: store }, { sourceCid: source.cid, sourceKey: source.key, size: 999 }), (err: unknown) => isCairnError(err))
    assert.equal(await count(store), source.blocks.length)
  })
})

async function collect (chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const c of chunks) parts.push(c)
  return new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer())
}
