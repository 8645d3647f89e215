import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { CID } from 'multiformats/cid'
import { openSecret } from '../../../core/crypto/secretbox.ts'
import { encodeHead } from '../../../core/index/chain.ts'
import { headMacKey } from '../../../core/index/head-mac.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { decodeOpBlock, encodeOpBlock, opBlockAad } from '../../../core/index/op-block.ts'
import { opToWire } from '../../../core/index/ops.ts'
import { Key } from 'interface-datastore'

const read = (name: string): any => JSON.parse(readFileSync(new URL(`../../vectors/${name}`, import.meta.url), 'utf8')) // eslint-disable-line @typescript-eslint/no-explicit-any -- vector JSON
const fromHex = (text: string): Uint8Array => Uint8Array.from(text.match(/../g) ?? [], h => Number.parseInt(h, 16))
const v1 = read('index-blocks-v1.json')
const v2 = read('index-blocks-v2.json')
const v3 = read('index-blocks-v3.json')
const indexKey = fromHex(v1.indexKey as string)

describe('index format vectors (v3: deletes that name a put)', () => {
  it('the v3 block decodes to its delete and re-encodes to the same bytes and CID', async () => {
    const sealed = fromHex(v3.block.sealed as string)
    assert.equal(new TextDecoder().decode(openSecret(indexKey, sealed, opBlockAad(v3.device as string), 'INDEX_RECORD_TAMPERED')), v3.block.plaintext)
    const block = await decodeOpBlock(indexKey, CID.parse(v3.block.cid as string), sealed, v3.device as string)
    assert.deepEqual({ v: block.v, device: block.device, seqFrom: block.seqFrom, seqTo: block.seqTo, prev: block.prev, ops: block.ops.map(opToWire) }, v3.block.block)
    const again = await encodeOpBlock(indexKey, block, { nonce: fromHex(v3.block.nonce as string) })
    assert.deepEqual(again.bytes, sealed)
    assert.equal(again.cid.toString(), v3.block.cid)
  })

  it('a chain of v1, v2 and v3 blocks under a v2 (MAC\'d) head opens: the notes are in the Trash', async () => {
    const blockstore = new MemoryBlockstore()
    const datastore = new MemoryDatastore()
    for (const b of [...v1.blocks, v2.block, v3.block]) await blockstore.put(CID.parse(b.cid as string), fromHex(b.sealed as string))
    const head = { cid: CID.parse(v3.head.cid as string), seq: v3.head.seq as number }
    await datastore.put(new Key(`/cairn/index/heads/${v3.device as string}`), encodeHead(headMacKey(indexKey), v3.device as string, head))
    const log = new IndexLog({ blockstore, datastore }, { indexKey: indexKey.slice(), deviceId: 'reader' })
    await log.start()
    assert.deepEqual({ files: log.listFiles().map(f => f.fileId), trash: log.history.trash().map(t => t.fileId) }, v3.after)
  })
})
