import type { Stream } from '@libp2p/interface'
import type { LengthPrefixedStream } from '@libp2p/utils'
import { CID } from 'multiformats/cid'
import { toBase64 } from '../../crypto/base64.ts'
import { CairnError, isCairnError, isErrorCode, type ErrorCode } from '../../errors.ts'
import type { ChainHead } from '../../index/chain.ts'
import type { SignedHead } from '../../index/head-mac.ts'
import type { MergeResult } from '../../index/index-log.ts'
import type { FetchBlock } from '../../index/merge-chain.ts'
import { jsonStream, readJson, writeJson } from '../backup/wire.ts'
import { SyncBudget } from './budget.ts'
import * as C from './constants.ts'
import { parseBlock, parseCut, parseHeads, parseTake } from './messages.ts'
import { checkHelloProof, helloProof, isNonce, newNonce, type SyncRole, type Transcript } from './hello.ts'

/** What a sync session needs of the index (IndexLog has it). */
export interface SyncIndex {
  heads: () => Map<string, ChainHead>
  signedHeads: () => Record<string, SignedHead>
  /** The blocks after `afterSeq`, oldest first; with `maxBytes`, the oldest that fit in it (IndexLog.blocksAfter). */
  blocksAfter: (device: string, head: ChainHead, afterSeq: number, maxBytes?: number) => Promise<Array<{ cid: string, bytes: Uint8Array, seq: number }>>
  /** A head of `device`'s chain with its MAC, for the part of a chain a session sent. */
  signedHead: (device: string, head: ChainHead) => SignedHead
  merge: (device: string, signed: unknown, fetchBlock: FetchBlock) => Promise<MergeResult>
}

export interface SyncLogger {
  debug: (message: string) => void
  info: (message: string) => void
  warn: (message: string) => void
}

export interface SyncSessionInit {
  index: SyncIndex
  /** `deriveSyncKey(indexKey)` (hello.ts). */
  syncKey: Uint8Array
  /** This device's PeerId string. */
  localPeer: string
  /** A removed device (revocation list): refused before the hello, and its chain not merged when another device offers it. */
  isRevoked?: (peerId: string) => boolean | Promise<boolean>
  log?: SyncLogger
  /** How long to wait for each message (default SYNC_READ_TIMEOUT_MS). */
  timeoutMs?: number
  /** The session's time before block bytes must pay for more (default SYNC_SESSION_GRACE_MS; constants.ts). */
  graceMs?: number
  signal?: AbortSignal
  /**
   * Received block bytes held until the merge, shared with the node's other
   * sessions (default: this session's own, of MAX_SESSION_BLOCK_BYTES).
   */
  budget?: SyncBudget
}

/** What one session did, so the caller can emit `files.changed` and show progress. */
export interface SyncSummary {
  remotePeer: string
  blocksSent: number
  blocksReceived: number
  /** One entry per device chain that moved here. */
  merged: MergeResult[]
  /** File ids whose state changed here, sorted. */
  changed: string[]
  /** A side sent only part of what the other lacked (more than the other takes at once): another session brings the rest. */
  partial: boolean
  /**
   * The ops the other side had of every chain, summed (its hello heads): a
   * part sent that it merged shows here in the next session, one it did not
   * (a chain it refuses) does not, so device sync stops sending it again.
   */
  theirOps: number
}

type Message = Record<string, unknown>

/** What reading a chain's blocks from this device's store fails with when the store is damaged. */
const UNREADABLE: ErrorCode[] = ['STORAGE_FAILED', 'BLOCK_DAMAGED', 'INDEX_CHAIN_BROKEN', 'INDEX_RECORD_TAMPERED']

class Session {
  private readonly lp: LengthPrefixedStream<Stream>
  private readonly startedAt = Date.now()
  /** Block bytes sent and received: each buys the session time (sessionLeft). */
  private progressBytes = 0
  private readonly budget: SyncBudget
  /** Bytes this session took from the budget (given back when it ends). */
  private heldBytes = 0
  /** The chains the other side sent only part of (done.cut): the head of the part, or null for none of it. */
  private cut = new Map<string, SignedHead | null>()
  /** This side sent only part of what the other lacked. */
  private sentPart = false
  /** The other side said what it takes, so it reads a cut (an older version does neither). */
  private readsCut = false

  constructor (private readonly role: SyncRole, private readonly stream: Stream, private readonly remotePeer: string, private readonly init: SyncSessionInit) {
    this.lp = jsonStream(stream, C.MAX_SYNC_MESSAGE_BYTES)
    this.budget = init.budget ?? new SyncBudget(C.MAX_SESSION_BLOCK_BYTES)
  }

  async run (): Promise<SyncSummary> {
    const { init, remotePeer } = this
    try {
      if (init.isRevoked !== undefined && await init.isRevoked(remotePeer)) await this.refuse('DEVICE_REVOKED', `device ${remotePeer} was removed from this vault`)
      const { theirs, mine, take } = this.role === 'initiator' ? await this.helloAsInitiator() : await this.helloAsResponder()
      let blocksSent = 0
      let received = new Map<string, Uint8Array>()
      if (this.role === 'initiator') {
        blocksSent = await this.sendBlocks(mine, theirs, take)
        received = await this.receiveBlocks(mine, theirs)
      } else {
        received = await this.receiveBlocks(mine, theirs)
        blocksSent = await this.sendBlocks(mine, theirs, take)
      }
      const merged = await this.mergeAll(theirs, received)
      await this.stream.close({ signal: this.signal() }).catch(() => { this.stream.abort(new Error('closing the sync stream failed')) })
      const changed = [...new Set(merged.flatMap(m => m.changed))].sort()
      init.log?.info(`sync with …${remotePeer.slice(-8)}: sent ${blocksSent} index blocks, received ${received.size}, ${changed.length} files changed`)
      let theirOps = 0
      for (const head of theirs.values()) theirOps += head.seq
      return { remotePeer, blocksSent, blocksReceived: received.size, merged, changed, partial: this.sentPart || this.cut.size > 0, theirOps }
    } catch (err) {
      this.stream.abort(err instanceof Error ? err : new Error(String(err)))
      throw err
    } finally {
      this.budget.release(this.heldBytes)
      this.heldBytes = 0
    }
  }

  private async helloAsInitiator (): Promise<Heads> {
    const initiatorNonce = newNonce()
    await this.send({ t: 'hello', v: C.SYNC_VERSION, nonce: initiatorNonce })
    const hello = await this.expect('hello')
    if (hello.v !== C.SYNC_VERSION || !isNonce(hello.nonce)) throw new CairnError('FORMAT_INVALID', 'the sync hello is malformed')
    const t: Transcript = { initiator: this.init.localPeer, responder: this.remotePeer, initiatorNonce, responderNonce: hello.nonce }
    if (!checkHelloProof(this.init.syncKey, 'responder', t, hello.proof)) await this.refuse('SYNC_NOT_MEMBER', `peer ${this.remotePeer} did not prove it is a device of this vault`)
    // Both taken in one turn of the event loop: the heads sent are the heads walked.
    const mine = this.init.index.heads()
    await this.send({ t: 'proof', proof: helloProof(this.init.syncKey, 'initiator', t), heads: this.init.index.signedHeads(), take: this.takes() })
    const reply = await this.expect('heads')
    this.readsCut = reply.take !== undefined
    return { theirs: parseHeads(reply.heads), mine, take: parseTake(reply.take) }
  }

  private async helloAsResponder (): Promise<Heads> {
    const hello = await this.expect('hello')
    if (hello.v !== C.SYNC_VERSION || !isNonce(hello.nonce)) throw new CairnError('FORMAT_INVALID', 'the sync hello is malformed')
    const t: Transcript = { initiator: this.remotePeer, responder: this.init.localPeer, initiatorNonce: hello.nonce, responderNonce: newNonce() }
    await this.send({ t: 'hello', v: C.SYNC_VERSION, nonce: t.responderNonce, proof: helloProof(this.init.syncKey, 'responder', t) })
    const proof = await this.expect('proof')
    if (!checkHelloProof(this.init.syncKey, 'initiator', t, proof.proof)) await this.refuse('SYNC_NOT_MEMBER', `peer ${this.remotePeer} did not prove it is a device of this vault`)
    const theirs = parseHeads(proof.heads)
    this.readsCut = proof.take !== undefined
    // Heads only after the other side proved membership: they say how much a vault holds.
    const mine = this.init.index.heads()
    await this.send({ t: 'heads', heads: this.init.index.signedHeads(), take: this.takes() })
    return { theirs, mine, take: parseTake(proof.take) }
  }

  /**
   * Block bytes this side takes in this session, told to the other side in
   * the hello so it sends no more: what one session accepts, or what the
   * node's budget has room for now if less.
   */
  private takes (): number {
    return Math.max(0, Math.min(C.MAX_SESSION_BLOCK_BYTES, this.budget.limit - this.budget.held))
  }

  /**
   * Sends, in bounded batches, the blocks of every chain the other side is
   * behind on, oldest first, no more than the `take` bytes it said it takes:
   * a chain that does not fit is sent in part, and `done` names the head of
   * the part sent (null for none), so the other side merges that much now
   * and the rest in a later session instead of refusing the whole session.
   */
  private async sendBlocks (mine: Map<string, ChainHead>, theirs: Map<string, SignedHead>, take: number): Promise<number> {
    let batch: Array<{ cid: string, bytes: string }> = []
    let batchBytes = 0
    let sent = 0
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return
      await this.send({ t: 'blocks', blocks: batch })
      this.progressBytes += batchBytes
      sent += batch.length
      batch = []
      batchBytes = 0
    }
    let room = take
    const cut: Record<string, SignedHead | null> = {}
    for (const [device, head] of mine) {
      const theirSeq = theirs.get(device)?.seq ?? 0
      if (head.seq <= theirSeq) continue
      // A removed device's chain is refused from everyone (mergeAll): sending it only
      // takes the room of the chains the other side does take, session after session.
      if (this.readsCut && this.init.isRevoked !== undefined && await this.init.isRevoked(device)) {
        cut[device] = null
        continue
      }
      const blocks = room > 0 ? await this.readable(device, head, theirSeq, room) : []
      for (const block of blocks) {
        if (batch.length >= C.BATCH_MAX_BLOCKS || batchBytes + block.bytes.length > C.BATCH_BLOCK_BYTES) await flush()
        batch.push({ cid: block.cid, bytes: toBase64(block.bytes) })
        batchBytes += block.bytes.length
        room -= block.bytes.length
      }
      const last = blocks.at(-1)
      if (last !== undefined && last.seq === head.seq) continue
      cut[device] = last === undefined ? null : this.init.index.signedHead(device, { cid: CID.parse(last.cid), seq: last.seq })
      this.sentPart = true
    }
    await flush()
    await this.send(Object.keys(cut).length > 0 ? { t: 'done', cut } : { t: 'done' })
    return sent
  }

  /**
   * The blocks of a chain to send; none when this store cannot read them (a
   * block damaged or lost under the running node, repaired at the next
   * start): that chain is left out, not the whole session, so the other
   * chains and the other direction still sync.
   */
  private async readable (device: string, head: ChainHead, theirSeq: number, room: number): Promise<Array<{ cid: string, bytes: Uint8Array, seq: number }>> {
    try {
      return await this.init.index.blocksAfter(device, head, theirSeq, room)
    } catch (err) {
      if (!UNREADABLE.some(code => isCairnError(err, code))) throw err
      this.init.log?.warn(`sync with …${this.remotePeer.slice(-8)}: left out the index chain of device …${device.slice(-8)}, unreadable here: ${(err as Error).message}`)
      return []
    }
  }

  /**
   * Reads the blocks the other side sends, up to what the chains it is ahead
   * on can use: no more blocks than the ops it offered (a block holds at
   * least one), none when it offered nothing, and no more bytes than this
   * session and the node's budget (shared by all sessions) allow.
   */
  private async receiveBlocks (mine: Map<string, ChainHead>, theirs: Map<string, SignedHead>): Promise<Map<string, Uint8Array>> {
    const received = new Map<string, Uint8Array>()
    let opsAhead = 0
    for (const [device, signed] of theirs) opsAhead += Math.max(0, signed.seq - (mine.get(device)?.seq ?? 0))
    let count = 0
    let total = 0
    for (;;) {
      const message = await this.read()
      if (message.t === 'done') {
        this.cut = parseCut(message.cut, theirs)
        return received
      }
      if (message.t !== 'blocks' || !Array.isArray(message.blocks)) throw new CairnError('FORMAT_INVALID', 'expected a batch of index blocks')
      // An empty batch carries nothing and only keeps the session open.
      if (message.blocks.length === 0) throw new CairnError('FORMAT_INVALID', 'a batch of index blocks is empty')
      for (const item of message.blocks as unknown[]) {
        const { cid, bytes } = parseBlock(item)
        if (++count > opsAhead) throw new CairnError('FORMAT_INVALID', 'the other device sent index blocks that no chain it offered needs')
        total += bytes.length
        this.progressBytes += bytes.length
        if (total > C.MAX_SESSION_BLOCK_BYTES) throw new CairnError('REQUEST_TOO_LARGE', 'the other device sent more index blocks than one sync accepts')
        if (!this.budget.take(bytes.length)) throw new CairnError('REQUEST_TOO_LARGE', 'syncs under way hold as many index blocks as this device takes at once; the rest waits for a later sync')
        this.heldBytes += bytes.length
        received.set(cid, bytes)
      }
    }
  }

  /** Merges every chain the other side is ahead on; the blocks come from what it sent. */
  private async mergeAll (theirs: Map<string, SignedHead>, received: Map<string, Uint8Array>): Promise<MergeResult[]> {
    const fetchBlock: FetchBlock = async (cid) => received.get(cid.toString())
    const merged: MergeResult[] = []
    let refused: unknown
    for (const [device, offered] of theirs) {
      // A chain the other side sent only part of is merged up to that part.
      const signed = this.cut.has(device) ? this.cut.get(device) : offered
      if (signed === null || signed === undefined) continue
      if (signed.seq <= (this.init.index.heads().get(device)?.seq ?? 0)) continue
      // A removed device's chain goes on being written, and a device not yet
      // told of the removal passes it on: it is refused from everyone, as the
      // backup pull does (backup-heads-pull.ts).
      if (this.init.isRevoked !== undefined && await this.init.isRevoked(device)) {
        this.init.log?.debug(`sync with …${this.remotePeer.slice(-8)}: left out the index chain of removed device …${device.slice(-8)}`)
        continue
      }
      try {
        const result = await this.init.index.merge(device, signed, fetchBlock)
        if (result.blocks > 0) merged.push(result)
      } catch (err) {
        // Another session merged this chain further meanwhile: the other side is
        // merely behind, which in sync is no rollback.
        if (isCairnError(err, 'INDEX_HEAD_ROLLED_BACK')) continue
        // One bad chain does not keep the good ones out; the session still fails with it.
        this.init.log?.warn(`sync with …${this.remotePeer.slice(-8)}: refused the index chain of device …${device.slice(-8)}: ${(err as Error).message}`)
        refused ??= err
      }
    }
    if (refused !== undefined) throw refused
    return merged
  }

  /** Tells the other side why, then throws. */
  private async refuse (code: ErrorCode, message: string): Promise<never> {
    await this.send({ t: 'error', code }).catch(() => {})
    throw new CairnError(code, message)
  }

  private async expect (type: string): Promise<Message> {
    const message = await this.read()
    if (message.t !== type) throw new CairnError('FORMAT_INVALID', `expected a sync "${type}" message`)
    return message
  }

  private async read (): Promise<Message> {
    const message = await readJson(this.lp, this.signal())
    if (typeof message !== 'object' || message === null || Array.isArray(message)) throw new CairnError('FORMAT_INVALID', 'a sync message must be an object')
    const m = message as Message
    if (m.t === 'error') {
      const code = isErrorCode(m.code) ? m.code : 'INTERNAL'
      throw new CairnError(code, `the other device refused to sync (${code})`)
    }
    return m
  }

  private async send (message: Message): Promise<void> {
    await writeJson(this.lp, message, this.signal())
  }

  /** Milliseconds the session has left: its grace, plus what the block bytes exchanged so far bought (constants.ts). */
  private sessionLeft (): number {
    const deadline = this.startedAt + (this.init.graceMs ?? C.SYNC_SESSION_GRACE_MS) + this.progressBytes / C.SYNC_MIN_BYTES_PER_MS
    return Math.max(0, Math.floor(deadline - Date.now()))
  }

  private signal (): AbortSignal {
    const timeout = AbortSignal.timeout(Math.min(this.init.timeoutMs ?? C.SYNC_READ_TIMEOUT_MS, this.sessionLeft()))
    return this.init.signal === undefined ? timeout : AbortSignal.any([timeout, this.init.signal])
  }
}

interface Heads {
  theirs: Map<string, SignedHead>
  /** This side's heads as sent (the blocks sent are walked from these). */
  mine: Map<string, ChainHead>
  /** Block bytes the other side takes in this session. */
  take: number
}

/**
 * Runs `/cairn/sync/1` on a stream this device opened to `remotePeer`
 * (its PeerId as the connection authenticated it). Resolves when both sides
 * have exchanged what the other lacked and this side has merged; throws
 * SYNC_NOT_MEMBER, DEVICE_REVOKED, an INDEX_HEAD_* or INDEX_* code, or
 * FORMAT_INVALID / REQUEST_TOO_LARGE for a malformed exchange.
 */
export async function syncWith (stream: Stream, remotePeer: string, init: SyncSessionInit): Promise<SyncSummary> {
  return await new Session('initiator', stream, remotePeer, init).run()
}

/** The same exchange on a stream another device opened (register it for SYNC_PROTOCOL). */
export async function answerSync (stream: Stream, remotePeer: string, init: SyncSessionInit): Promise<SyncSummary> {
  return await new Session('responder', stream, remotePeer, init).run()
}
