/**
 * Writes the index format v3 test vectors (tests/vectors/index-blocks-v3.json):
 * one v3 block (a delete that names the put it removes, so an edit made
 * concurrently elsewhere survives it) that continues the v1 + v2 vector chain,
 * sealed with the same key and a fixed nonce, with the expected plaintext,
 * sealed bytes, CID, and the files and Trash after it.
 * Run: `npx tsx scripts/make-index-vectors-v3.ts`. The output must not change
 * unless the format does.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { CID } from 'multiformats/cid'
import { decodeOpBlock, encodeOpBlock, type OpBlock } from '../core/index/op-block.ts'
import { opToWire, type IndexOp } from '../core/index/ops.ts'
import { listFiles, materialise } from '../core/index/state.ts'
import { trashOf } from '../core/index/history.ts'

const hex = (bytes: Uint8Array): string => Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')
const fromHex = (text: string): Uint8Array => Uint8Array.from(text.match(/../g) ?? [], h => Number.parseInt(h, 16))

interface V1 { indexKey: string, device: string, blocks: Array<{ cid: string, sealed: string }> }
interface V2 { block: { cid: string, sealed: string }, head: { cid: string, seq: number } }
const v1 = JSON.parse(readFileSync(new URL('../tests/vectors/index-blocks-v1.json', import.meta.url), 'utf8')) as V1
const v2 = JSON.parse(readFileSync(new URL('../tests/vectors/index-blocks-v2.json', import.meta.url), 'utf8')) as V2
const indexKey = fromHex(v1.indexKey)
const device = v1.device
const day = Date.UTC(2024, 0, 15, 9, 30)
const notesId = '00112233445566778899aabbccddeeff'

async function main (): Promise<void> {
  const earlier: IndexOp[] = []
  for (const b of [...v1.blocks, v2.block]) earlier.push(...(await decodeOpBlock(indexKey, CID.parse(b.cid), fromHex(b.sealed), device)).ops)
  // The delete names the notes' current put: the put it removes.
  const lastNotes = earlier.filter(o => o.kind === 'put' && o.fileId === notesId).at(-1) as IndexOp
  const ops: IndexOp[] = [
    { hlc: { wall: day + 40 * 86_400_000, counter: 0, device }, device, seq: 8, kind: 'delete', fileId: notesId, path: 'notes/done.txt', target: lastNotes.hlc }
  ]
  const nonce = new Uint8Array(24).fill(0xd4)
  const block: OpBlock = { v: 3, device, seqFrom: 8, seqTo: 8, prev: v2.head.cid, ops }
  const { cid, bytes } = await encodeOpBlock(indexKey, block, { nonce })
  const wire = { v: 3, device, seqFrom: 8, seqTo: 8, prev: v2.head.cid, ops: ops.map(opToWire) }
  const state = materialise([...earlier, ...ops])
  const vectors = {
    description: 'Cairn index op blocks, format v3: the v2 envelope; a delete may name the put it removes (target: that put\'s timestamp), and then ends only that put and older ones: a put it did not see survives it. This block continues the chain of index-blocks-v1.json and index-blocks-v2.json.',
    generator: 'scripts/make-index-vectors-v3.ts',
    device,
    block: { nonce: hex(nonce), block: wire, plaintext: JSON.stringify(wire), sealed: hex(bytes), cid: cid.toString() },
    head: { cid: cid.toString(), seq: 8 },
    after: { files: listFiles(state).map(f => f.fileId), trash: trashOf(state).map(t => t.fileId) }
  }
  const out = fileURLToPath(new URL('../tests/vectors/index-blocks-v3.json', import.meta.url))
  writeFileSync(out, JSON.stringify(vectors, null, 2) + '\n')
  console.log(`wrote ${out}`)
}

await main()
