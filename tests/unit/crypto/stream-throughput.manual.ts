/**
 * Hand-run throughput check of the STREAM encrypt and decrypt transforms (not
 * a test; the unit runner does not pick it up):
 *
 *   npx tsx tests/unit/crypto/stream-throughput.manual.ts [MiB] [inputChunkKiB]
 *
 * Feeds MiB of data (256 by default) in input chunks of inputChunkKiB (64 by
 * default, what `file.stream()` hands out) and prints MB/s for each direction.
 */
import { createDecryptStream, createEncryptStream, generateFileKey } from '../../../core/crypto/stream-format.ts'

const totalMiB = Number(process.argv[2] ?? 256)
const inputChunk = Number(process.argv[3] ?? 64) * 1024
const total = totalMiB * 1024 * 1024
const block = new Uint8Array(inputChunk)
// getRandomValues fills at most 64 KiB per call.
for (let off = 0; off < block.length; off += 65536) globalThis.crypto.getRandomValues(block.subarray(off, off + 65536))

function source (): ReadableStream<Uint8Array> {
  let sent = 0
  return new ReadableStream<Uint8Array>({
    pull (controller) {
      if (sent >= total) { controller.close(); return }
      const n = Math.min(inputChunk, total - sent)
      // A fresh buffer per chunk, as a file reader gives.
      controller.enqueue(block.slice(0, n))
      sent += n
    }
  }, { highWaterMark: 0 })
}

function fromIterable (pieces: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const it = Symbol.asyncIterator in pieces ? pieces[Symbol.asyncIterator]() : pieces[Symbol.iterator]()
  return new ReadableStream<Uint8Array>({
    async pull (controller) {
      const next = await it.next()
      if (next.done === true) controller.close()
      else controller.enqueue(next.value)
    }
  }, { highWaterMark: 0 })
}

async function time (label: string, run: () => Promise<number>): Promise<void> {
  const start = performance.now()
  const bytes = await run()
  const seconds = (performance.now() - start) / 1000
  console.log(`${label}: ${(total / 1e6 / seconds).toFixed(0)} MB/s (${totalMiB} MiB plaintext, ${(bytes / 1e6).toFixed(1)} MB out, ${seconds.toFixed(2)} s)`)
}

const key = generateFileKey()
const ciphertext: Uint8Array[] = []
await time('encrypt', async () => {
  let n = 0
  for await (const piece of source().pipeThrough(createEncryptStream({ key }))) { ciphertext.push(piece); n += piece.length }
  return n
})
await time('decrypt (chunk-aligned input)', async () => {
  let n = 0
  const input = fromIterable(ciphertext)
  for await (const piece of input.pipeThrough(createDecryptStream({ key }))) n += piece.length
  return n
})
await time(`decrypt (${inputChunk / 1024} KiB input)`, async () => {
  // Re-cut the ciphertext into input-sized pieces that straddle chunk boundaries.
  const cut = async function * (): AsyncGenerator<Uint8Array> {
    let carry = new Uint8Array(0)
    for (const piece of ciphertext) {
      const joined = new Uint8Array(carry.length + piece.length)
      joined.set(carry)
      joined.set(piece, carry.length)
      let off = 0
      for (; off + inputChunk <= joined.length; off += inputChunk) yield joined.slice(off, off + inputChunk)
      carry = joined.slice(off)
    }
    if (carry.length > 0) yield carry
  }
  let n = 0
  for await (const piece of fromIterable(cut()).pipeThrough(createDecryptStream({ key }))) n += piece.length
  return n
})
