import { peerIdFromString } from '@libp2p/peer-id'
import { toErrorPayload } from '../errors.ts'
import { jsonStream, readJson, writeJson } from '../protocols/backup/wire.ts'
import type { Log } from '../log.ts'
import type { Connection, Libp2p, Stream } from '@libp2p/interface'

/** Devices of one vault swap their sealed device books (names, platforms, removals) over this protocol. */
export const DEVICE_BOOK_PROTOCOL = '/cairn/device-book/1'

/** A sealed book is small (1,000 devices at most, each with a signed box key: ~640 KB at the longest names); this caps what a peer can make us read. */
const MAX_MESSAGE_BYTES = 1024 * 1024
const TIMEOUT_MS = 10_000
/** A device that was just sent the book is not sent it again sooner than this, unless the book changed. */
const RESEND_MS = 30_000

export interface BookHolder {
  sealedBook: () => Promise<string>
  mergeSealed: (sealed: string) => Promise<boolean>
  isRemoved: (peerId: string) => boolean
}

/**
 * Keeps the device book the same on every device (DESIGN §3 "Devices"): after
 * a sync session proves a device is a member, the two swap their books, each
 * sealed under the vault's devices subkey (a non-member can neither read one
 * nor make one that opens). A rename, pairing or removal here is sent to
 * every connected member at once. Merging is last-writer-wins with sticky
 * removals (device-book.ts), so the order of swaps never matters; a box key
 * counts only with its own device's signature (a member cannot plant one).
 */
export class DeviceBookExchange {
  private book: BookHolder | undefined
  private readonly sentAt = new Map<string, number>()

  constructor (private readonly c: { libp2p: Libp2p, log: Log, now?: () => number }) {}

  /** The vault unlocked: answer swaps with this book. */
  async attach (book: BookHolder): Promise<void> {
    this.book = book
    this.sentAt.clear()
    await this.c.libp2p.handle(DEVICE_BOOK_PROTOCOL, (stream: Stream, connection: Connection) => { void this.answer(stream, connection) }, { runOnLimitedConnection: true, force: true })
  }

  detach (): void {
    this.book = undefined
    this.sentAt.clear()
    void this.c.libp2p.unhandle(DEVICE_BOOK_PROTOCOL).catch(() => {})
  }

  /** A member proved itself (a sync session): swap books unless that was done a moment ago. */
  seen (peerId: string): void {
    const last = this.sentAt.get(peerId)
    if (last !== undefined && this.now() - last < RESEND_MS) return
    void this.swap(peerId)
  }

  /** The book changed here: send it to these (connected member) devices now. */
  changed (peerIds: string[]): void {
    for (const peerId of peerIds) void this.swap(peerId)
  }

  private now (): number {
    return this.c.now?.() ?? Date.now()
  }

  private async swap (peerId: string): Promise<void> {
    const book = this.book
    if (book === undefined || book.isRemoved(peerId)) return
    this.sentAt.set(peerId, this.now())
    let stream: Stream | undefined
    try {
      stream = await this.c.libp2p.dialProtocol(peerIdFromString(peerId), DEVICE_BOOK_PROTOCOL, { signal: AbortSignal.timeout(TIMEOUT_MS), runOnLimitedConnection: true })
      const lp = jsonStream(stream, MAX_MESSAGE_BYTES)
      const signal = AbortSignal.timeout(TIMEOUT_MS)
      await writeJson(lp, { sealed: await book.sealedBook() }, signal)
      await this.take(book, await readJson(lp, signal), peerId)
      await stream.close().catch(() => {})
    } catch (err) {
      this.c.log.debug(`device book swap with …${peerId.slice(-8)} failed: ${toErrorPayload(err).message}`)
      // A device that never answered would otherwise keep this stream (and its buffers) open for the connection's life.
      stream?.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }

  private async answer (stream: Stream, connection: Connection): Promise<void> {
    const peerId = connection.remotePeer.toString()
    const book = this.book
    try {
      if (book === undefined || book.isRemoved(peerId)) { stream.abort(new Error('not answering this device')); return }
      const lp = jsonStream(stream, MAX_MESSAGE_BYTES)
      const signal = AbortSignal.timeout(TIMEOUT_MS)
      const theirs = await readJson(lp, signal)
      // Opening theirs proves they hold the vault key; only then is ours sent back.
      await this.take(book, theirs, peerId)
      await writeJson(lp, { sealed: await book.sealedBook() }, signal)
      this.sentAt.set(peerId, this.now())
      await stream.close().catch(() => {})
    } catch (err) {
      this.c.log.debug(`device book swap asked by …${peerId.slice(-8)} failed: ${toErrorPayload(err).message}`)
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }

  private async take (book: BookHolder, message: unknown, peerId: string): Promise<void> {
    const sealed = (message as { sealed?: unknown } | null)?.sealed
    if (typeof sealed !== 'string') throw new Error('the message holds no sealed book')
    if (await book.mergeSealed(sealed)) this.c.log.info(`the device list changed from device …${peerId.slice(-8)}`)
  }
}
