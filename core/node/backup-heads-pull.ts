import { isCairnError, PeerUnreachableError, toErrorPayload } from '../errors.ts'
import { readWholeBlock } from '../storage/read-block.ts'
import type { SyncIndex } from '../protocols/sync/index.ts'
import type { Log } from '../log.ts'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** The paired backup peers, as device sync needs them (BackupPeers has both). */
export interface BackupHeadsSource {
  /** PeerIds of the paired backup peers. */
  peers: () => string[]
  /** The peer's MAC'd index heads of this vault (the backup `heads` request). */
  heads: (peerId: string) => Promise<Record<string, unknown>>
}

export interface BackupHeadsPullComponents {
  source: BackupHeadsSource
  networkBlockstore: Pick<Blockstore, 'get'>
  log: Log
  /** The open index; undefined while locked. */
  index: () => SyncIndex | undefined
  isRevoked: (device: string) => Promise<boolean>
  onMerged: (changed: string[]) => void
}

/**
 * Device sync through the backup peer, for devices that are not online
 * together (DESIGN §5): the peer keeps every device's op blocks and MAC'd
 * heads from their manifests; this asks it for the heads and merges every
 * chain that is ahead of this device's, fetching the blocks by bitswap.
 * The MACs and seqs are checked by the merge (a forged or rolled-back head
 * is refused and logged; the other chains still merge).
 */
export class BackupHeadsPull {
  private timer: ReturnType<typeof setInterval> | undefined
  private pulling: Promise<void> | undefined
  private readonly timeoutMs: number

  constructor (private readonly c: BackupHeadsPullComponents, init: { timeoutMs: number }) {
    this.timeoutMs = init.timeoutMs
  }

  start (everyMs: number): void {
    this.timer ??= setInterval(() => { void this.pullAll() }, everyMs)
  }

  stop (): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
  }

  /**
   * Asks every paired peer at once (one that answers slowly must not hold up
   * the others; a chain two peers both hold is merged once, the other merge
   * finds nothing new); a pull already under way is joined, not doubled.
   */
  async pullAll (): Promise<void> {
    this.pulling ??= (async () => {
      try {
        await Promise.all(this.c.source.peers().map(async (peer) => { await this.pull(peer) }))
      } finally {
        this.pulling = undefined
      }
    })()
    await this.pulling
  }

  /** Merges every chain `peerId` holds ahead of this device. Never throws. */
  async pull (peerId: string): Promise<void> {
    if (this.c.index() === undefined) return
    let heads: Record<string, unknown>
    try {
      heads = await this.c.source.heads(peerId)
    } catch (err) {
      this.c.log.debug(`backup peer …${peerId.slice(-8)} sent no index heads: ${toErrorPayload(err).message}`)
      return
    }
    const changed = new Set<string>()
    for (const [device, signed] of Object.entries(heads)) {
      const index = this.c.index()
      if (index === undefined) return
      const seq = (signed as { seq?: unknown } | null)?.seq
      if (typeof seq !== 'number' || seq <= (index.heads().get(device)?.seq ?? 0)) continue
      if (await this.c.isRevoked(device)) continue
      try {
        const result = await index.merge(device, signed, async (cid) => await this.fetch(cid))
        for (const id of result.changed) changed.add(id)
        if (result.blocks > 0) this.c.log.info(`merged ${result.blocks} index blocks of device …${device.slice(-8)} from backup peer …${peerId.slice(-8)}`)
      } catch (err) {
        // Merged meanwhile by a device session: nothing is lost.
        if (isCairnError(err, 'INDEX_HEAD_ROLLED_BACK')) continue
        const { code, message } = toErrorPayload(err)
        this.c.log.warn(`refused the index chain of device …${device.slice(-8)} from backup peer …${peerId.slice(-8)}: ${code}: ${message}`)
      }
    }
    if (changed.size > 0 && this.c.index() !== undefined) this.c.onMerged([...changed].sort())
  }

  private async fetch (cid: CID): Promise<Uint8Array> {
    try {
      return await readWholeBlock(this.c.networkBlockstore, cid, { signal: AbortSignal.timeout(this.timeoutMs) })
    } catch (err) {
      throw new PeerUnreachableError(`The backup peer did not send index block ${cid.toString()}`, { cause: err })
    }
  }
}
