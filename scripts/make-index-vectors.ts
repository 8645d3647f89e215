/**
 * Writes the index format test vectors (tests/vectors/index-blocks-v1.json):
 * a two-block chain of one device, sealed with a fixed key and fixed nonces,
 * with the expected plaintext, sealed bytes, CIDs and resulting file list.
 * Run: `npx tsx scripts/make-index-vectors.ts`. The output must not change
 * unless the format does (and then OP_BLOCK_VERSION moves too).
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { deriveSubkey } from '../core/crypto/subkeys.ts'
import { toBase64 } from '../core/crypto/base64.ts'
import { OP_BLOCK_AAD_PREFIX } from '../core/index/constants.ts'
import { encodeOpBlock, type OpBlock } from '../core/index/op-block.ts'
import { opToWire, type FileEntry, type IndexOp } from '../core/index/ops.ts'
import { listFiles, materialise } from '../core/index/state.ts'

const hex = (bytes: Uint8Array): string => Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')

const vaultKey = Uint8Array.from({ length: 32 }, (_, i) => i)
const indexKey = deriveSubkey(vaultKey, 'index')
const device = '12D3KooWVectorDeviceA'
const day = Date.UTC(2024, 0, 15, 9, 30)

const notes: FileEntry = {
  cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
  size: 11,
  mtime: day - 1000,
  tag: toBase64(new Uint8Array(32).fill(0x11)),
  fk: toBase64(new Uint8Array(32).fill(0x22)),
  type: 'text/plain'
}
const photo: FileEntry = {
  cid: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
  size: 2_345_678,
  mtime: day - 86_400_000,
  tag: toBase64(new Uint8Array(32).fill(0x33)),
  fk: toBase64(new Uint8Array(32).fill(0x44)),
  type: 'image/jpeg'
}
const notesV2: FileEntry = { ...notes, cid: 'bafkreiac3npiiao5m2dfg72wbk7dwz4u34hkpxyeslj6tzpsemeh4sowpm', size: 42, mtime: day + 5000, tag: toBase64(new Uint8Array(32).fill(0x55)) }

const at = (wall: number, counter: number): IndexOp['hlc'] => ({ wall, counter, device })
const first: IndexOp[] = [
  { hlc: at(day, 0), device, seq: 1, kind: 'put', fileId: '00112233445566778899aabbccddeeff', path: 'notes/todo.txt', entry: notes },
  { hlc: at(day, 1), device, seq: 2, kind: 'put', fileId: 'ffeeddccbbaa99887766554433221100', path: 'Fotos/Zürich ☃.jpg', entry: photo },
  { hlc: at(day + 60_000, 0), device, seq: 3, kind: 'move', fileId: '00112233445566778899aabbccddeeff', path: 'notes/done.txt' }
]
const second: IndexOp[] = [
  { hlc: at(day + 120_000, 0), device, seq: 4, kind: 'delete', fileId: 'ffeeddccbbaa99887766554433221100', path: 'Fotos/Zürich ☃.jpg' },
  { hlc: at(day + 120_000, 1), device, seq: 5, kind: 'put', fileId: '00112233445566778899aabbccddeeff', path: 'notes/done.txt', entry: notesV2 }
]

async function main (): Promise<void> {
  const blocks = []
  let prev: string | null = null
  for (const [ops, fill] of [[first, 0xa1], [second, 0xb2]] as const) {
    const nonce = new Uint8Array(24).fill(fill)
    const block: OpBlock = { v: 1, device, seqFrom: (ops[0] as IndexOp).seq, seqTo: (ops.at(-1) as IndexOp).seq, prev, ops }
    const { cid, bytes } = await encodeOpBlock(indexKey, block, { nonce })
    const wire = { v: block.v, device, seqFrom: block.seqFrom, seqTo: block.seqTo, prev, ops: ops.map(opToWire) }
    blocks.push({ nonce: hex(nonce), block: wire, plaintext: JSON.stringify(wire), sealed: hex(bytes), cid: cid.toString() })
    prev = cid.toString()
  }
  const vectors = {
    description: 'Cairn index op blocks, format v1: XChaCha20-Poly1305 secretbox (version ‖ nonce ‖ ciphertext+tag) of UTF-8 JSON, AAD = prefix + device, stored as raw sha2-256 CIDv1 blocks.',
    generator: 'scripts/make-index-vectors.ts',
    vaultKey: hex(vaultKey),
    indexKey: hex(indexKey),
    device,
    aad: OP_BLOCK_AAD_PREFIX + device,
    blocks,
    head: { cid: prev, seq: 5 },
    files: listFiles(materialise([...first, ...second]))
  }
  const out = fileURLToPath(new URL('../tests/vectors/index-blocks-v1.json', import.meta.url))
  writeFileSync(out, JSON.stringify(vectors, null, 2) + '\n')
  console.log(`wrote ${out}`)
}

await main()
