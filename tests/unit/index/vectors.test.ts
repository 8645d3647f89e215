import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { openSecret } from '../../../core/crypto/secretbox.ts'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { encodeLegacyHead as encodeHead, walkChain } from '../../../core/index/chain.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { decodeOpBlock, encodeOpBlock, opBlockAad } from '../../../core/index/op-block.ts'
import { opToWire, type FileEntry } from '../../../core/index/ops.ts'

interface Vectors {
  vaultKey: string
  indexKey: string
  device: string
  aad: string
  blocks: Array<{ nonce: string, block: { v: 1, seqFrom: number, seqTo: number, prev: string | null, ops: unknown[] }, plaintext: string, sealed: string, cid: string }>
  head: { cid: string, seq: number }
  files: unknown[]
}

const vectors = JSON.parse(readFileSync(new URL('../../vectors/index-blocks-v1.json', import.meta.url), 'utf8')) as Vectors
const fromHex = (text: string): Uint8Array => Uint8Array.from(text.match(/../g) ?? [], h => Number.parseInt(h, 16))
const indexKey = fromHex(vectors.indexKey)

describe('index format vectors (v1)', () => {
  it('the index key is HKDF(vault key, cairn/v1/index) and the AAD names the device', () => {
    assert.deepEqual(deriveSubkey(fromHex(vectors.vaultKey), 'index'), indexKey)
    assert.deepEqual(opBlockAad(vectors.device), new TextEncoder().encode(vectors.aad))
  })

  for (const [i, v] of vectors.blocks.entries()) {
    it(`block ${i + 1}: decodes to the expected ops and re-encodes to the same bytes and CID`, async () => {
      const sealed = fromHex(v.sealed)
      const cid = CID.parse(v.cid)
      assert.equal(new TextDecoder().decode(openSecret(indexKey, sealed, opBlockAad(vectors.device), 'INDEX_RECORD_TAMPERED')), v.plaintext)
      const block = await decodeOpBlock(indexKey, cid, sealed, vectors.device)
      assert.deepEqual({ v: block.v, seqFrom: block.seqFrom, seqTo: block.seqTo, prev: block.prev, ops: block.ops.map(opToWire) },
        { v: v.block.v, seqFrom: v.block.seqFrom, seqTo: v.block.seqTo, prev: v.block.prev, ops: v.block.ops })
      const again = await encodeOpBlock(indexKey, block, { nonce: fromHex(v.nonce) })
      assert.deepEqual(again.bytes, sealed)
      assert.equal(again.cid.toString(), v.cid)
    })
  }

  it('the chain walks from its head and an IndexLog over it shows the expected files', async () => {
    const blockstore = new MemoryBlockstore()
    const datastore = new MemoryDatastore()
    for (const v of vectors.blocks) await blockstore.put(CID.parse(v.cid), fromHex(v.sealed))
    const head = { cid: CID.parse(vectors.head.cid), seq: vectors.head.seq }
    const blocks = await walkChain(blockstore, indexKey, vectors.device, head)
    assert.deepEqual(blocks.map(b => b.seqTo), [3, 5])
    await datastore.put(new Key(`/cairn/index/heads/${vectors.device}`), encodeHead(vectors.device, head))
    const log = new IndexLog({ blockstore, datastore }, { indexKey: indexKey.slice(), deviceId: 'reader' })
    await log.start()
    assert.deepEqual(JSON.parse(JSON.stringify(log.listFiles())), vectors.files)
    // Blocks written before versions and Trash existed read as history: the
    // replaced notes are an earlier version, the deleted photo is in the Trash.
    assert.deepEqual(log.history.versions('00112233445566778899aabbccddeeff').map(v => v.entry.cid), ['bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'])
    assert.deepEqual(log.history.trash().map(t => [t.fileId, t.path, t.entry.size]), [['ffeeddccbbaa99887766554433221100', 'Fotos/Zürich ☃.jpg', 2_345_678]])
    // A device that goes on writing: plain ops stay v1 blocks, prune and purge make v2 ones.
    await log.put(log.getFile('00112233445566778899aabbccddeeff')?.entry as FileEntry, 'copy.txt')
    await log.history.prune(log.history.versions('00112233445566778899aabbccddeeff').map(v => ({ fileId: v.fileId, versionId: v.versionId })))
    await log.history.purge(['ffeeddccbbaa99887766554433221100'])
    const mine = await walkChain(blockstore, indexKey, 'reader', log.heads().get('reader') as { cid: CID, seq: number })
    assert.deepEqual(mine.map(b => [b.v, b.ops.map(o => o.kind).join()]), [[1, 'put'], [2, 'prune'], [2, 'purge']])
    assert.deepEqual(log.history.versions('00112233445566778899aabbccddeeff'), [])
    assert.deepEqual(log.history.trash(), [])
  })
})

interface VectorsV2 {
  device: string
  block: { nonce: string, block: { v: 2, seqFrom: number, seqTo: number, prev: string, ops: unknown[] }, plaintext: string, sealed: string, cid: string }
  head: { cid: string, seq: number }
  before: { versions: string[], trash: string[] }
  after: { versions: string[], trash: string[] }
}

const v2 = JSON.parse(readFileSync(new URL('../../vectors/index-blocks-v2.json', import.meta.url), 'utf8')) as VectorsV2

describe('index format vectors (v2: versions and Trash)', () => {
  it('the v2 block decodes to its prune and purge ops and re-encodes to the same bytes and CID', async () => {
    const sealed = fromHex(v2.block.sealed)
    assert.equal(new TextDecoder().decode(openSecret(indexKey, sealed, opBlockAad(v2.device), 'INDEX_RECORD_TAMPERED')), v2.block.plaintext)
    const block = await decodeOpBlock(indexKey, CID.parse(v2.block.cid), sealed, v2.device)
    assert.deepEqual({ v: block.v, seqFrom: block.seqFrom, seqTo: block.seqTo, prev: block.prev, ops: block.ops.map(opToWire) },
      { v: 2, seqFrom: v2.block.block.seqFrom, seqTo: v2.block.block.seqTo, prev: v2.block.block.prev, ops: v2.block.block.ops })
    const again = await encodeOpBlock(indexKey, block, { nonce: fromHex(v2.block.nonce) })
    assert.deepEqual(again.bytes, sealed)
    assert.equal(again.cid.toString(), v2.block.cid)
  })

  it('a chain of v1 blocks and a v2 block reads: the version is pruned, the Trash emptied', async () => {
    const blockstore = new MemoryBlockstore()
    const datastore = new MemoryDatastore()
    for (const v of [...vectors.blocks, v2.block]) await blockstore.put(CID.parse(v.cid), fromHex(v.sealed))
    const head = { cid: CID.parse(v2.head.cid), seq: v2.head.seq }
    assert.deepEqual((await walkChain(blockstore, indexKey, v2.device, head)).map(b => b.v), [1, 1, 2])
    await datastore.put(new Key(`/cairn/index/heads/${v2.device}`), encodeHead(v2.device, head))
    const log = new IndexLog({ blockstore, datastore }, { indexKey: indexKey.slice(), deviceId: 'reader' })
    await log.start()
    assert.deepEqual(JSON.parse(JSON.stringify(log.listFiles())), vectors.files)
    assert.deepEqual({ versions: log.history.versions('00112233445566778899aabbccddeeff').map(v => v.entry.cid), trash: log.history.trash().map(t => t.fileId) }, v2.after)
    assert.notDeepEqual(v2.before, v2.after)
  })
})
