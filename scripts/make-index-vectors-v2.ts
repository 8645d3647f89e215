/**
 * Writes the index format v2 test vectors (tests/vectors/index-blocks-v2.json):
 * one v2 block (prune and purge, for versions and the Trash, each naming the
 * op it ends by its timestamp) that continues
 * the v1 vector chain of tests/vectors/index-blocks-v1.json, sealed with the
 * same key and a fixed nonce, with the expected plaintext, sealed bytes, CID,
 * and the versions and Trash before and after it.
 * Run: `npx tsx scripts/make-index-vectors-v2.ts`. The output must not change
 * unless the format does.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { CID } from 'multiformats/cid'
import { decodeOpBlock, encodeOpBlock, type OpBlock } from '../core/index/op-block.ts'
import { opToWire, type IndexOp } from '../core/index/ops.ts'
import { materialise } from '../core/index/state.ts'
import { trashOf, versionsOf } from '../core/index/history.ts'

const hex = (bytes: Uint8Array): string => Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')
const fromHex = (text: string): Uint8Array => Uint8Array.from(text.match(/../g) ?? [], h => Number.parseInt(h, 16))

interface V1 { indexKey: string, device: string, blocks: Array<{ cid: string, sealed: string }>, head: { cid: string, seq: number } }
const v1 = JSON.parse(readFileSync(new URL('../tests/vectors/index-blocks-v1.json', import.meta.url), 'utf8')) as V1
const indexKey = fromHex(v1.indexKey)
const device = v1.device
const day = Date.UTC(2024, 0, 15, 9, 30)
const notesId = '00112233445566778899aabbccddeeff'
const photoId = 'ffeeddccbbaa99887766554433221100'

async function main (): Promise<void> {
  const earlier: IndexOp[] = []
  for (const b of v1.blocks) earlier.push(...(await decodeOpBlock(indexKey, CID.parse(b.cid), fromHex(b.sealed), device)).ops)
  // The prune names the put that saved the notes' first content; the purge names the photo's delete.
  const firstNotes = earlier.find(o => o.kind === 'put' && o.fileId === notesId) as IndexOp
  const photoDelete = earlier.find(o => o.kind === 'delete' && o.fileId === photoId) as IndexOp
  const ops: IndexOp[] = [
    { hlc: { wall: day + 31 * 86_400_000, counter: 0, device }, device, seq: 6, kind: 'prune', fileId: notesId, path: 'notes/done.txt', target: firstNotes.hlc },
    { hlc: { wall: day + 31 * 86_400_000, counter: 1, device }, device, seq: 7, kind: 'purge', fileId: photoId, path: 'Fotos/Zürich ☃.jpg', target: photoDelete.hlc }
  ]
  const nonce = new Uint8Array(24).fill(0xc3)
  const block: OpBlock = { v: 2, device, seqFrom: 6, seqTo: 7, prev: v1.head.cid, ops }
  const { cid, bytes } = await encodeOpBlock(indexKey, block, { nonce })
  const wire = { v: 2, device, seqFrom: 6, seqTo: 7, prev: v1.head.cid, ops: ops.map(opToWire) }
  const view = (all: IndexOp[]): unknown => {
    const state = materialise(all)
    return { versions: versionsOf(state, notesId).map(v => v.entry.cid), trash: trashOf(state).map(t => t.fileId) }
  }
  const vectors = {
    description: 'Cairn index op blocks, format v2: the v1 envelope; ops may also be prune (target: the timestamp of the put whose saved version it forgets) and purge (target: the timestamp of the delete whose Trash item it empties). This block continues the chain of index-blocks-v1.json.',
    generator: 'scripts/make-index-vectors-v2.ts',
    device,
    block: { nonce: hex(nonce), block: wire, plaintext: JSON.stringify(wire), sealed: hex(bytes), cid: cid.toString() },
    head: { cid: cid.toString(), seq: 7 },
    before: view(earlier),
    after: view([...earlier, ...ops])
  }
  const out = fileURLToPath(new URL('../tests/vectors/index-blocks-v2.json', import.meta.url))
  writeFileSync(out, JSON.stringify(vectors, null, 2) + '\n')
  console.log(`wrote ${out}`)
}

await main()
