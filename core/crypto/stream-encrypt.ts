import { CairnError, FormatInvalidError } from '../errors.ts'
import { ChunkCipher } from './stream-chunk.ts'
import { DEFAULT_CHUNK_SIZE, MAX_CHUNKS, NONCE_PREFIX_LENGTH } from './stream-constants.ts'
import { buildHeader, chunkLog2FromSize, deriveFileSubkeys, wipeFileSubkeys } from './stream-header.ts'
import { Rechunker } from './stream-rechunker.ts'

/** Options of {@link createEncryptStream}. */
export interface EncryptStreamInit {
  /** The 32-byte file key (FK). */
  key: Uint8Array
  /** Plaintext bytes per chunk: a power of two from 4 KiB to 16 MiB; 1 MiB by default. */
  chunkSize?: number
  /** The 7-byte nonce prefix; random by default. Fix it only for test vectors. */
  noncePrefix?: Uint8Array
  /** How many chunk encryptions run at once (WebCrypto works off the JS thread); 4 by default. */
  concurrency?: number
}

const DEFAULT_CONCURRENCY = 4

/**
 * Encrypts a plaintext byte stream into the STREAM format (DESIGN §4).
 *
 * Emits the header as one output chunk, then exactly one output chunk per
 * ciphertext chunk, so an importer that passes chunks through lays its leaves
 * on ciphertext-chunk boundaries. Input may be chunked any way.
 */
export function createEncryptStream (init: EncryptStreamInit): TransformStream<Uint8Array, Uint8Array> {
  const chunkSize = init.chunkSize ?? DEFAULT_CHUNK_SIZE
  const subkeys = deriveFileSubkeys(init.key)
  const noncePrefix = init.noncePrefix ?? globalThis.crypto.getRandomValues(new Uint8Array(NONCE_PREFIX_LENGTH))
  const header = buildHeader(subkeys, noncePrefix, chunkLog2FromSize(chunkSize))
  const concurrency = Math.max(1, init.concurrency ?? DEFAULT_CONCURRENCY)
  const rechunker = new Rechunker(chunkSize)
  const inFlight: Array<Promise<Uint8Array>> = []
  let cipher: ChunkCipher | undefined
  let nextIndex = 0
  // The last whole plaintext chunk: whether it is final is known only once
  // another byte arrives (then it is not) or the input ends (then it is).
  let held: Uint8Array | undefined

  const launch = async (plaintext: Uint8Array, last: boolean, controller: TransformStreamDefaultController<Uint8Array>): Promise<void> => {
    if (cipher === undefined) throw new CairnError('INTERNAL', 'encrypt stream used before start')
    if (nextIndex >= MAX_CHUNKS) throw new FormatInvalidError('file has too many chunks for its chunk size')
    const job = cipher.encrypt(nextIndex++, plaintext, last)
    // Marked handled now; the rejection still surfaces when it is awaited in order.
    job.catch(() => {})
    inFlight.push(job)
    while (inFlight.length >= concurrency) controller.enqueue(await (inFlight.shift() as Promise<Uint8Array>))
  }

  return new TransformStream<Uint8Array, Uint8Array>({
    async start (controller) {
      cipher = await ChunkCipher.create(subkeys, header)
      wipeFileSubkeys(subkeys)
      controller.enqueue(header.bytes.slice())
    },
    async transform (chunk, controller) {
      for (const piece of rechunker.push(chunk)) {
        if (held !== undefined) await launch(held, false, controller)
        held = piece
      }
      if (held !== undefined && rechunker.buffered > 0) {
        await launch(held, false, controller)
        held = undefined
      }
    },
    async flush (controller) {
      if (rechunker.buffered > 0) await launch(rechunker.takeRest(), true, controller)
      else await launch(held ?? new Uint8Array(0), true, controller)
      held = undefined
      while (inFlight.length > 0) controller.enqueue(await (inFlight.shift() as Promise<Uint8Array>))
    }
  })
}
