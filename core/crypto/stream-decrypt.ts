import { CairnError, FormatInvalidError } from '../errors.ts'
import { ChunkCipher } from './stream-chunk.ts'
import { HEADER_LENGTH, TAG_LENGTH } from './stream-constants.ts'
import { diagnoseAfterFinal, diagnoseInnerChunk, diagnoseLastPiece } from './stream-diagnose.ts'
import { deriveFileSubkeys, parseHeader, wipeFileSubkeys, type FileSubkeys } from './stream-header.ts'
import { chunkCount, encryptedSize, plaintextSize } from './stream-layout.ts'
import { Rechunker } from './stream-rechunker.ts'

/** Options of {@link createDecryptStream}. */
export interface DecryptStreamInit {
  /** The 32-byte file key (FK). */
  key: Uint8Array
  /**
   * Length of the whole encrypted file, when the caller knows it (the UnixFS
   * file size). Optional: it only sharpens the diagnosis, since without it a
   * file cut inside its last chunk cannot be told from a changed last chunk
   * (CHUNK_TAMPERED); with it that is STREAM_TRUNCATED.
   */
  ciphertextLength?: number
  /** The plaintext length instead (the vault entry's size); same purpose. */
  plaintextLength?: number
  /** How many chunk decryptions run at once; 4 by default. */
  concurrency?: number
  /**
   * The stream owns `key`: it is overwritten, with the decrypting state, as
   * soon as the stream ends, fails or is cancelled (a download leaves no file
   * key behind).
   */
  wipeKey?: boolean
  /**
   * Decrypts the chunks elsewhere (a pool of workers), opened with the
   * verified header. Each call hands back the ciphertext too (it may have
   * travelled), so a failure is still diagnosed from the bytes.
   */
  offload?: (header: Uint8Array) => OffloadedChunks
}

/** Chunk decryption done elsewhere: `plaintext` absent when the chunk does not authenticate at that position. */
export interface OffloadedChunks {
  decrypt: (index: number, ciphertext: Uint8Array, last: boolean) => Promise<{ plaintext?: Uint8Array, ciphertext: Uint8Array }>
  close: () => void
}

interface Job {
  index: number
  bytes: Uint8Array
  last: boolean
  result: Promise<Uint8Array | undefined>
}

type Emit = (plaintext: Uint8Array) => void

/**
 * The decrypting state machine behind {@link createDecryptStream}: accepts
 * ciphertext in any chunking, emits each chunk's plaintext only after that
 * chunk authenticated at its position, and keeps the final chunk's plaintext
 * back until the input has ended with nothing after it.
 */
export class StreamDecryptor {
  private readonly subkeys: FileSubkeys
  private readonly init: DecryptStreamInit
  private readonly concurrency: number
  private readonly rechunker = new Rechunker(HEADER_LENGTH)
  private cipher: ChunkCipher | undefined
  private offloaded: OffloadedChunks | undefined
  private mode: 'header' | 'chunks' | 'tail' = 'header'
  private fullLength = 0
  /** Index of the final chunk, when the length is known up front. */
  private finalIndex: number | undefined
  private finalLength = 0
  private nextIndex = 0
  /** A whole piece that is final only if nothing follows it (length unknown). */
  private held: Uint8Array | undefined
  private readonly jobs: Job[] = []
  private finalPlain: Uint8Array | undefined
  /** Bytes after the (supposed) final chunk `tailBase`, kept to name the failure. */
  private readonly tail: Uint8Array[] = []
  private tailLength = 0
  private tailBase = -1

  constructor (init: DecryptStreamInit) {
    this.init = init
    this.subkeys = deriveFileSubkeys(init.key)
    this.concurrency = Math.max(1, init.concurrency ?? 4)
  }

  /** Feeds the next input bytes. Throws a CairnError as soon as the stream is known bad. */
  async push (chunk: Uint8Array, emit: Emit): Promise<void> {
    for (const piece of this.rechunker.push(chunk)) await this.onPiece(piece, emit)
    if (this.mode === 'tail') {
      this.addTail(this.rechunker.takeRest())
      // One chunk's worth of what follows is enough to name it.
      if (this.tailLength > this.fullLength) await this.failAfterFinal(emit)
    } else if (this.mode === 'chunks' && this.finalIndex === undefined && this.held !== undefined && this.rechunker.buffered > 0) {
      const held = this.held
      this.held = undefined
      await this.launch(held, false, emit)
    }
  }

  /** Ends the input: checks the stream ended exactly after one final chunk, then emits it. */
  async finish (emit: Emit): Promise<void> {
    if (this.mode === 'header') parseHeader(this.subkeys, this.rechunker.takeRest())
    let rest = this.rechunker.takeRest()
    if (this.mode === 'chunks' && this.finalIndex === undefined) {
      // Length unknown: the last piece is whatever is left, and it must be final.
      const last = rest.length > 0 ? rest : this.held
      rest = new Uint8Array(0)
      this.held = undefined
      if (last !== undefined) await this.launchFinal(last, emit)
    }
    await this.drain(0, emit)
    if (this.mode === 'chunks') {
      throw new CairnError('STREAM_TRUNCATED', this.finalIndex === undefined
        ? 'the encrypted file has no chunks after its header'
        : `the encrypted file ends inside chunk ${this.nextIndex} of ${this.finalIndex + 1}`)
    }
    this.addTail(rest)
    if (this.tailLength > 0) await this.failAfterFinal(emit)
    // Only a known length can get here without the final plaintext: an earlier chunk was final.
    if (this.finalPlain === undefined) throw new FormatInvalidError('the encrypted file ends before its known length')
    if (this.finalPlain.length > 0) emit(this.finalPlain)
    this.finalPlain = undefined
  }

  /** Forgets every key and buffer; the decryptor cannot be used afterwards. */
  wipe (): void {
    wipeFileSubkeys(this.subkeys)
    if (this.init.wipeKey === true) this.init.key.fill(0)
    this.cipher = undefined
    this.offloaded?.close()
    this.offloaded = undefined
    this.jobs.length = 0
    this.held = undefined
    this.finalPlain?.fill(0)
    this.finalPlain = undefined
    this.tail.length = 0
    this.tailLength = 0
  }

  /** Launches the final chunk; what arrives after it is tail. */
  private async launchFinal (piece: Uint8Array, emit: Emit): Promise<void> {
    // Switch first: if an earlier chunk fails while this one is launched, that failure sets its own tail.
    this.mode = 'tail'
    this.tailBase = this.nextIndex
    await this.launch(piece, true, emit)
  }

  private async onPiece (piece: Uint8Array, emit: Emit): Promise<void> {
    if (this.mode === 'header') {
      await this.openHeader(piece)
      return
    }
    if (this.mode === 'tail') {
      this.addTail(piece)
      return
    }
    if (this.finalIndex === undefined) {
      // The held piece is not final: this one follows it.
      const previous = this.held
      this.held = undefined
      if (previous !== undefined) await this.launch(previous, false, emit)
      // launch() may have found an earlier final chunk and switched to collecting the tail.
      if (this.collectingTail()) this.addTail(piece)
      else this.held = piece
      return
    }
    if (this.nextIndex === this.finalIndex) {
      await this.launchFinal(piece, emit)
      return
    }
    await this.launch(piece, false, emit)
    if (this.nextIndex === this.finalIndex) this.rechunker.size = this.finalLength
  }

  private async openHeader (bytes: Uint8Array): Promise<void> {
    const header = parseHeader(this.subkeys, bytes)
    this.cipher = await ChunkCipher.create(this.subkeys, header)
    wipeFileSubkeys(this.subkeys)
    this.offloaded = this.init.offload?.(header.bytes)
    this.fullLength = header.chunkSize + TAG_LENGTH
    this.rechunker.size = this.fullLength
    this.mode = 'chunks'
    const total = this.expectedLength(header.chunkSize)
    if (total === undefined) return
    const plain = plaintextSize(total, header.chunkSize)
    this.finalIndex = chunkCount(plain, header.chunkSize) - 1
    this.finalLength = plain - this.finalIndex * header.chunkSize + TAG_LENGTH
    if (this.finalIndex === 0) this.rechunker.size = this.finalLength
  }

  private expectedLength (chunkSize: number): number | undefined {
    const { ciphertextLength, plaintextLength } = this.init
    const fromPlain = plaintextLength === undefined ? undefined : encryptedSize(plaintextLength, chunkSize)
    if (ciphertextLength !== undefined && fromPlain !== undefined && ciphertextLength !== fromPlain) {
      throw new FormatInvalidError('the given ciphertext and plaintext lengths disagree')
    }
    return ciphertextLength ?? fromPlain
  }

  private async launch (bytes: Uint8Array, last: boolean, emit: Emit): Promise<void> {
    const cipher = this.cipher
    if (cipher === undefined) throw new CairnError('INTERNAL', 'decrypting before the header was read')
    const index = this.nextIndex++
    const job: Job = { index, bytes, last, result: Promise.resolve(undefined) }
    const offloaded = this.offloaded
    job.result = offloaded === undefined
      ? cipher.decrypt(index, bytes, last)
      : offloaded.decrypt(index, bytes, last).then((r) => { job.bytes = r.ciphertext; return r.plaintext })
    // Marked handled now; a real fault still surfaces when awaited in order.
    job.result.catch(() => {})
    this.jobs.push(job)
    await this.drain(this.concurrency - 1, emit)
  }

  /** Settles jobs in order until at most `keep` are in flight. */
  private async drain (keep: number, emit: Emit): Promise<void> {
    while (this.jobs.length > keep) {
      const job = this.jobs.shift() as Job
      const plaintext = await job.result
      if (plaintext === undefined) await this.onFailure(job)
      else if (job.last) this.finalPlain = plaintext
      else emit(plaintext)
    }
  }

  /** A chunk failed: throw its named error, or start collecting what follows an unexpected final chunk. */
  private async onFailure (job: Job): Promise<void> {
    const cipher = this.cipher as ChunkCipher
    // Offloaded chunks are away until their answer brings them back: wait, so every byte is counted.
    await Promise.allSettled(this.jobs.map(async j => await j.result))
    if (job.last) throw await diagnoseLastPiece(cipher, job.index, job.bytes, this.finalIndex !== undefined)
    const found = await diagnoseInnerChunk(cipher, job.index, job.bytes, this.finalIndex !== undefined)
    if (found instanceof CairnError) throw found
    // A final chunk with more input after it: everything after is the tail.
    const following = [job.bytes.subarray(found.finalLength), ...this.jobs.map(j => j.bytes), ...(this.held === undefined ? [] : [this.held]), ...this.tail]
    this.jobs.length = 0
    this.held = undefined
    this.tail.length = 0
    this.tailLength = 0
    for (const bytes of following) this.addTail(bytes)
    this.mode = 'tail'
    this.tailBase = job.index
    this.finalPlain = undefined
  }

  private collectingTail (): boolean {
    return this.mode === 'tail'
  }

  private addTail (bytes: Uint8Array): void {
    if (bytes.length === 0) return
    this.tail.push(bytes)
    this.tailLength += bytes.length
  }

  private async failAfterFinal (emit: Emit): Promise<never> {
    await this.drain(0, emit)
    // One chunk's worth (plus a byte) is all the diagnosis looks at.
    const joined = new Uint8Array(Math.min(this.tailLength, this.fullLength + 1))
    let off = 0
    for (const bytes of this.tail) {
      if (off === joined.length) break
      const take = bytes.subarray(0, joined.length - off)
      joined.set(take, off)
      off += take.length
    }
    throw await diagnoseAfterFinal(this.cipher as ChunkCipher, this.tailBase, joined, this.tailLength)
  }
}

/**
 * Decrypts a STREAM-format byte stream (any input chunking). Fails the stream
 * with a CairnError naming the problem (WRONG_KEY, HEADER_TAMPERED,
 * CHUNK_TAMPERED, STREAM_TRUNCATED, …); plaintext of a chunk is emitted only
 * after that chunk authenticated.
 */
export function createDecryptStream (init: DecryptStreamInit): TransformStream<Uint8Array, Uint8Array> {
  const decryptor = new StreamDecryptor(init)
  // Whatever way the stream stops, the keys go with it.
  const wiping = async (step: () => Promise<void>): Promise<void> => {
    try {
      await step()
    } catch (err) {
      decryptor.wipe()
      throw err
    }
  }
  // `cancel` runs when the writer aborts or the reader cancels (a stopped download), where
  // nothing calls flush; TypeScript's DOM types do not list it yet, browsers and Node call it.
  const transformer: Transformer<Uint8Array, Uint8Array> & { cancel: () => void } = {
    async transform (chunk, controller) {
      await wiping(async () => { await decryptor.push(chunk, p => { controller.enqueue(p) }) })
    },
    async flush (controller) {
      await wiping(async () => { await decryptor.finish(p => { controller.enqueue(p) }) })
      decryptor.wipe()
    },
    cancel () {
      decryptor.wipe()
    }
  }
  return new TransformStream<Uint8Array, Uint8Array>(transformer)
}
