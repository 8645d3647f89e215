import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { blockLength, joinBlock } from '../../../core/protocols/blocks/fetched-block.ts'
import type { HashPieces } from '../../../core/protocols/blocks/fetched-block.ts'
import { createWasmSha256Pieces } from '../../../core/protocols/blocks/wasm-sha256-pieces.ts'
import { sha256Pieces as nodeSha256Pieces } from '../../../relay-server/shared/sha256-pieces.ts'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const text = (s: string): Uint8Array => new TextEncoder().encode(s)

// Node hosts hash with Node's native SHA-256, browsers with hash-wasm's; both must agree with the standard.
const hashers: Array<[string, () => Promise<HashPieces>]> = [
  ['Node', async () => nodeSha256Pieces],
  ['WebAssembly', createWasmSha256Pieces]
]

for (const [name, create] of hashers) {
  test(`SHA-256 over pieces (${name}): FIPS 180-2 vectors, however the message is cut`, async () => {
    const hashPieces = await create()
    const sha256Pieces = async (pieces: Uint8Array[]): Promise<Uint8Array> => await hashPieces(pieces)
    // FIPS 180-2 appendix B.1 and B.2, and the empty message.
    assert.equal(hex(await sha256Pieces([text('abc')])), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    assert.equal(hex(await sha256Pieces([text('a'), text(''), text('bc')])), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    const twoBlock = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'
    const cut = [twoBlock.slice(0, 7), twoBlock.slice(7, 8), twoBlock.slice(8)].map(text)
    assert.equal(hex(await sha256Pieces(cut)), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1')
    assert.equal(hex(await sha256Pieces([])), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    // One hasher serves every call: nothing of the last message stays in it.
    assert.equal(hex(await sha256Pieces([text('abc')])), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })

  test(`SHA-256 over pieces (${name}): a 1 MiB block cut at random places hashes and joins as when whole; a flipped byte in any piece changes the digest`, async () => {
    const hashPieces = await create()
    const block = new Uint8Array(randomBytes(1024 * 1024 + 13))
    const whole = createHash('sha256').update(block).digest()
    for (let round = 0; round < 5; round++) {
      const cuts = [...new Set(Array.from({ length: 16 }, () => Math.floor(Math.random() * block.length)))].sort((a, b) => a - b)
      const pieces = [0, ...cuts].map((from, i) => block.subarray(from, [...cuts, block.length][i]))
      assert.equal(blockLength(pieces), block.length)
      assert.deepEqual(Buffer.from(await hashPieces(pieces)), whole)
      assert.deepEqual(joinBlock(pieces), block)
      const victim = pieces.findIndex((piece) => piece.length > 0)
      const tampered = pieces.map((piece, i) => i === victim ? Uint8Array.from(piece, (b, j) => j === 0 ? b ^ 1 : b) : piece)
      assert.notDeepEqual(Buffer.from(await hashPieces(tampered)), whole)
    }
  })
}

test('one buffer or one piece is handed back as it is, not copied', () => {
  const bytes = text('one block')
  assert.equal(joinBlock(bytes), bytes)
  assert.equal(joinBlock([bytes]), bytes)
  assert.equal(blockLength(bytes), bytes.length)
  assert.deepEqual(joinBlock([]), new Uint8Array(0))
})
