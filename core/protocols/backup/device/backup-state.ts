import { Key, type Datastore } from 'interface-datastore'
import type { WireHead } from '../index.ts'
import type { IndexLog } from '../../../index/index-log.ts'

/** A backup peer this vault is paired with. */
export interface PairedPeer { peerId: string, address: string, addedAt: number }

/** A root to keep on the peers besides the vault's own (a live share copy), with its expiry. */
export interface ExtraPin { cid: string, expiresAt?: number }

/** What the peers should hold now. */
export interface Desired {
  pins: string[]
  heads: Record<string, WireHead>
  /** Expiry of the extra pins that have one. */
  expires: Record<string, number>
  /** The extra pins that are not also the vault's own roots: share copies, which the peer serves to anyone. */
  shares: string[]
}

const PEERS_KEY = new Key('/cairn/backup/peers')
const pinSetKey = (peer: string): Key => new Key(`/cairn/backup/pinset/${peer}`)
const shareSetKey = (peer: string): Key => new Key(`/cairn/backup/shareset/${peer}`)
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The extra pins not yet expired. */
export function liveExtraPins (extras: ExtraPin[], now: number): ExtraPin[] {
  return extras.filter(pin => pin.expiresAt === undefined || pin.expiresAt > now)
}

/**
 * Every content root the index retains (live files, earlier versions, the
 * Trash) and every index op block, the index heads, and the extra pins not
 * yet expired. A root the vault needs anyway never gets an expiry. A pruned
 * version or an emptied Trash item drops out, so the next manifest unpins it.
 */
export function desiredPins (index: IndexLog, extras: ExtraPin[], now: number): Desired {
  const own = new Set([...index.retainedCids(), ...index.blockCids()])
  // With their MACs, so a restore can tell them from heads a peer made up or rolled back.
  const heads: Record<string, WireHead> = index.signedHeads()
  const live = liveExtraPins(extras, now)
  const expires: Record<string, number> = {}
  for (const pin of live) if (pin.expiresAt !== undefined && !own.has(pin.cid)) expires[pin.cid] = pin.expiresAt
  const shares = [...new Set(live.map(pin => pin.cid).filter(cid => !own.has(cid)))]
  return { pins: [...new Set([...own, ...live.map(pin => pin.cid)])], heads, expires, shares }
}

/**
 * What backup keeps in the datastore besides the manifest outboxes: the
 * paired peers, and per peer the set of roots last sent as pinned and the
 * set last marked as share copies (so the next manifest is a diff).
 * Pin-set changes run one at a time.
 */
export class BackupState {
  private queue: Promise<unknown> = Promise.resolve()

  constructor (private readonly datastore: Datastore) {}

  async loadPeers (): Promise<PairedPeer[]> {
    if (!(await this.datastore.has(PEERS_KEY))) return []
    return JSON.parse(decoder.decode(await this.datastore.get(PEERS_KEY))) as PairedPeer[]
  }

  async savePeers (peers: PairedPeer[]): Promise<void> {
    await this.datastore.put(PEERS_KEY, encoder.encode(JSON.stringify(peers)))
  }

  async readPinSet (peerId: string): Promise<Set<string>> {
    return await this.readSet(pinSetKey(peerId))
  }

  async writePinSet (peerId: string, pins: string[]): Promise<void> {
    await this.writeSet(pinSetKey(peerId), pins)
  }

  /** The roots last sent to a peer marked as share copies (none for a vault from before share marks). */
  async readShareSet (peerId: string): Promise<Set<string>> {
    return await this.readSet(shareSetKey(peerId))
  }

  async writeShareSet (peerId: string, shares: string[]): Promise<void> {
    await this.writeSet(shareSetKey(peerId), shares)
  }

  private async readSet (key: Key): Promise<Set<string>> {
    if (!(await this.datastore.has(key))) return new Set()
    return new Set(JSON.parse(decoder.decode(await this.datastore.get(key))) as string[])
  }

  private async writeSet (key: Key, cids: string[]): Promise<void> {
    await this.datastore.put(key, encoder.encode(JSON.stringify(cids)))
  }

  /** Runs a read-change-write of the pin sets (a sync, a drop) after the ones before it. */
  async exclusive<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn)
    this.queue = run.catch(() => {})
    return await run
  }
}
