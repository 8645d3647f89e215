import { unixfs } from '@helia/unixfs'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'
import { createDecryptStream, DEFAULT_CHUNK_SIZE, HEADER_LENGTH, TAG_LENGTH } from '../../../core/crypto/stream-format.ts'
import { drain } from './bench-context.ts'

/**
 * PROTOTYPE (bench only) of a proposed fix to readDecrypted: @helia/unixfs
 * `cat` (ipfs-unixfs-exporter 14) reads every block of a file ahead of its
 * consumer (it-parallel with unbounded concurrency into an unbounded
 * pushable), so reading a file holds all of it in memory at once. Asking for
 * the file in windows of whole ciphertext chunks (`offset`/`length`) bounds
 * that to one window, with the same bytes out.
 */

/** Ciphertext chunks per window: 16 MiB of plaintext (8 read noticeably slower here, 32 holds more). */
const CHUNKS_PER_WINDOW = 16

/** The ciphertext in windows of whole chunks (the header goes with the first). */
export async function * windowedCat (blockstore: Blockstore, cid: CID, chunksPerWindow = CHUNKS_PER_WINDOW): AsyncGenerator<Uint8Array> {
  const fs = unixfs({ blockstore })
  const size = Number((await fs.stat(cid)).size)
  const window = chunksPerWindow * (DEFAULT_CHUNK_SIZE + TAG_LENGTH)
  let offset = 0
  while (offset < size) {
    const length = Math.min(size - offset, offset === 0 ? HEADER_LENGTH + window : window)
    yield * fs.cat(cid, { offset, length })
    offset += length
  }
}

function streamOf (source: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull (controller) {
      const next = await source.next()
      if (next.done === true) controller.close()
      else controller.enqueue(next.value)
    },
    async cancel () { await source.return(undefined) }
  })
}

/** readDecrypted with the windowed read; same output. */
export function readDecryptedWindowed (blockstore: Blockstore, cid: CID, fileKey: Uint8Array): ReadableStream<Uint8Array> {
  return streamOf(windowedCat(blockstore, cid)).pipeThrough(createDecryptStream({ key: fileKey }))
}

/** `proto.read.windowed`: like `read.decrypted`, through {@link readDecryptedWindowed}. Returns ms. */
export async function measureWindowedRead (blockstore: Blockstore, cid: CID, fileKey: Uint8Array, size: number): Promise<number> {
  const start = performance.now()
  const bytes = await drain(readDecryptedWindowed(blockstore, cid, fileKey))
  const ms = performance.now() - start
  if (bytes !== size) throw new Error(`windowed read gave ${bytes} bytes, expected ${size}`)
  return ms
}
