import { equals } from 'multiformats/bytes'
import { sha256 } from 'multiformats/hashes/sha2'
import { ANSWER_BLOCK, ANSWER_REFUSED, MAX_REQUEST_CIDS, clientStream, encodeRequest, readAnswer } from './block-wire.ts'
import { joinBlock, type FetchedBlock, type HashPieces } from './fetched-block.ts'
import type { Stream } from '@libp2p/interface'
import type { LengthPrefixedStream } from '@libp2p/utils'
import type { CID } from 'multiformats/cid'

/** Why a CID was not fetched over the stream: each sends it to the fallback (bitswap). */
export type Miss = 'dont-have' | 'refused' | 'mismatch' | 'failed'

/** One CID asked of one device. */
export interface Entry {
  cid: CID
  /** The fetch stopped waiting (its signal ended): its block is read and dropped. */
  cancelled: boolean
  done: (block: FetchedBlock) => void
  missed: (why: Miss) => void
}

export interface SessionOptions {
  /** Blocks requested and not yet stored, at most. */
  window: number
  /** No bytes for this long while an answer is owed: the stream is dropped (a slow but steady source is not). */
  stallMs: number
  /** No work for this long: the exchange is ended. */
  idleMs: number
  /** Keeps a block that matched its CID (the fetcher's blockstore). */
  put: (cid: CID, block: FetchedBlock) => Promise<void>
  /**
   * SHA-256 over a block's pieces without joining them (Node's hasher). With
   * it, a block that arrived in several pieces is hashed, stored and handed
   * on as those pieces: no 1 MiB copy per block, and a quarter less memory
   * allocated per byte received by the backup peer. Without it (browsers:
   * WebCrypto hashes one buffer) the pieces are joined first.
   */
  hashPieces?: HashPieces
  /** The session is over (closed, failed, refused or a block did not match). */
  ended: (session: BlockSession, why: Miss | 'idle') => void
}

/**
 * The fetching end of one stream to one source (the backup peer's to a
 * device, or a device's to its backup peer or another device). CIDs handed to
 * {@link add} within one turn of the event loop go as one request; at most
 * `window` are requested and not yet stored (yamux's window counts
 * arrivals, not what the reader used, so this is what bounds the read
 * buffer). Every block is hashed once against its CID. A block that does
 * not match ends the session (the device is not trusted for the rest of
 * the attempt, the caller decides); so do a stall, a broken stream and a
 * refusal; whatever was owed then goes to the fallback.
 */
export class BlockSession {
  private readonly lp: LengthPrefixedStream<Stream>
  private readonly queue: Entry[] = []
  private readonly sent: Entry[] = []
  private inWindow = 0
  private closed = false
  private scheduled = false
  private writing: Promise<void> = Promise.resolve()
  private wake: (() => void) | undefined
  private idleTimer: ReturnType<typeof setTimeout> | undefined
  /** When bytes last arrived (or an answer began to be awaited): the stall clock. */
  private lastArrival = 0

  constructor (private readonly stream: Stream, private readonly options: SessionOptions) {
    this.lp = clientStream(stream, options.window)
    // Observers only: lpStream keeps its own listeners and buffers what arrives.
    stream.addEventListener('message', () => { this.lastArrival = Date.now() })
    // The other end reset or closed it (a device's server gives up on a stream idle for a minute):
    // with nothing owed that is an idle end, not a broken source to avoid for minutes.
    stream.addEventListener('close', () => { if (!this.closed) this.end(this.sent.length + this.queue.length === 0 ? 'idle' : 'failed') })
    void this.readLoop()
    this.armIdle()
  }

  get isOpen (): boolean {
    return !this.closed
  }

  add (entry: Entry): void {
    if (this.closed) { entry.missed('failed'); return }
    this.queue.push(entry)
    if (this.idleTimer !== undefined) { clearTimeout(this.idleTimer); this.idleTimer = undefined }
    if (!this.scheduled) {
      this.scheduled = true
      // The walk asks for its blocks in one turn: they go as one request.
      setTimeout(() => { this.scheduled = false; this.pump() }, 0)
    }
  }

  /** A fetch stopped waiting for `entry`: dropped if not asked for yet. */
  forget (entry: Entry): void {
    entry.cancelled = true
    const at = this.queue.indexOf(entry)
    if (at >= 0) this.queue.splice(at, 1)
    // It may have been the only work: the session must still end when idle.
    this.armIdle()
  }

  /** Ends the session; what was owed goes to the fallback. */
  end (why: Miss | 'idle', error?: Error): void {
    if (this.closed) return
    this.closed = true
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer)
    // What was still owed is no one's fault but the stream's (a wrong block was answered on its own).
    for (const entry of [...this.sent, ...this.queue]) if (!entry.cancelled) entry.missed(why === 'refused' ? 'refused' : 'failed')
    this.sent.length = 0
    this.queue.length = 0
    this.wake?.()
    if (why === 'idle') {
      void this.writeRequest([]).then(async () => { await this.stream.close() }).catch((err: unknown) => { this.stream.abort(err as Error) })
    } else {
      this.stream.abort(error ?? new Error(`block exchange ended: ${why}`))
    }
    this.options.ended(this, why)
  }

  private pump (): void {
    while (!this.closed && this.queue.length > 0 && this.inWindow < this.options.window) {
      const batch = this.queue.splice(0, Math.min(this.options.window - this.inWindow, MAX_REQUEST_CIDS)).filter((e) => !e.cancelled)
      if (batch.length === 0) continue
      this.sent.push(...batch)
      this.inWindow += batch.length
      void this.writeRequest(batch.map((e) => e.cid)).catch((err: unknown) => { this.end('failed', err as Error) })
      this.wake?.()
    }
    // Everything queued may have been cancelled before it was sent.
    this.armIdle()
  }

  private async writeRequest (cids: CID[]): Promise<void> {
    const next = this.writing.then(async () => { await this.lp.write(encodeRequest(cids)) })
    this.writing = next.catch(() => {})
    await next
  }

  private async readLoop (): Promise<void> {
    try {
      while (!this.closed) {
        const entry = this.sent[0]
        if (entry === undefined) {
          await new Promise<void>((resolve) => { this.wake = resolve })
          this.wake = undefined
          continue
        }
        const answer = await this.readBeforeStall()
        if (this.closed) return
        this.sent.shift()
        if (answer.tag !== ANSWER_BLOCK) {
          this.release()
          if (!entry.cancelled) entry.missed(answer.tag === ANSWER_REFUSED ? 'refused' : 'dont-have')
          if (answer.tag === ANSWER_REFUSED) { this.end('refused'); return }
          continue
        }
        const { block, digest } = await this.hashAnswer([...answer.frame])
        if (!equals(digest, entry.cid.multihash.digest)) {
          this.release()
          if (!entry.cancelled) entry.missed('mismatch')
          this.end('mismatch')
          return
        }
        if (entry.cancelled) { this.release(); continue }
        // Stored before the slot is freed: the window bounds blocks not yet stored.
        this.options.put(entry.cid, block).then(
          () => { this.release(); entry.done(block) },
          () => { this.release(); entry.missed('failed') }
        )
      }
    } catch (err) {
      this.end('failed', err as Error)
    }
  }

  /** The next answer, given up on when no bytes arrive for `stallMs` (a 1 MiB block on a slow link takes longer than that, and is still coming). */
  private async readBeforeStall (): Promise<Awaited<ReturnType<typeof readAnswer>>> {
    const stall = new AbortController()
    this.lastArrival = Date.now()
    const check = (): void => {
      const quiet = Date.now() - this.lastArrival
      if (quiet >= this.options.stallMs) stall.abort(new Error(`no bytes from the source for ${this.options.stallMs} ms`))
      else timer = setTimeout(check, this.options.stallMs - quiet)
    }
    let timer = setTimeout(check, this.options.stallMs)
    try {
      return await readAnswer(this.lp, stall.signal)
    } finally {
      clearTimeout(timer)
    }
  }

  private async hashAnswer (pieces: Uint8Array[]): Promise<{ block: FetchedBlock, digest: Uint8Array }> {
    const hashPieces = this.options.hashPieces
    if (hashPieces !== undefined && pieces.length > 1) return { block: pieces, digest: await hashPieces(pieces) }
    const block = joinBlock(pieces)
    return { block, digest: (await sha256.digest(block)).digest }
  }

  private release (): void {
    this.inWindow--
    this.pump()
    this.armIdle()
  }

  private armIdle (): void {
    if (this.closed || this.inWindow > 0 || this.queue.length > 0 || this.idleTimer !== undefined) return
    this.idleTimer = setTimeout(() => { this.idleTimer = undefined; if (this.inWindow === 0 && this.queue.length === 0) this.end('idle') }, this.options.idleMs)
  }
}
