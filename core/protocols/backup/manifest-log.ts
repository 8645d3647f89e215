import { Key, type Datastore } from 'interface-datastore'
import { StorageFailedError } from '../../errors.ts'
import { DEVICE_PREFIX } from './constants.ts'
import type { ManifestBody, WireHead } from './messages.ts'

/** What changed since the last manifest. */
export interface ManifestChange {
  pin: string[]
  unpin: string[]
  /** Roots the peer frees at once, without retention. */
  drop?: string[]
  heads?: Record<string, WireHead>
  sizes?: Record<string, number>
  /** Expiry (ms since epoch) of some of `pin`; entries for roots not in `pin` are left out. */
  expires?: Record<string, number>
  /** Roots of `pin` that are share copies; others are left out. */
  shares?: string[]
}

/** Everything the peer should hold now (when it lost track and must start over). */
export interface ManifestSnapshot {
  pin: string[]
  heads?: Record<string, WireHead>
  sizes?: Record<string, number>
  expires?: Record<string, number>
  shares?: string[]
}

export interface ManifestLogInit {
  /** PeerId string of the backup peer this log is for: one log per peer, each with its own seqs. */
  peer: string
  /** This device's id (its PeerId string). */
  device: string
  /** The vault's current pin set, for when the peer needs a fresh start. */
  snapshot: () => Promise<ManifestSnapshot>
}

/** Roots per manifest, so one manifest with its sizes stays well under 1 MiB. */
export const MAX_ROOTS_PER_MANIFEST = 5000

interface LogState { next: number, acked: number }

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * The device's outbox for one backup peer: manifests get consecutive seqs
 * (from 1, per peer), are persisted until the peer acknowledges them, and
 * are resent in order. After a MANIFEST_GAP the log rewinds to what the
 * peer expects; when it no longer has those manifests (the peer lost its
 * state, or this device did), it replaces its outbox by one snapshot of
 * the current pin set sent at the expected seq. Stored under
 * `/cairn/backup/device/<peer>/`.
 */
export class ManifestLog {
  private readonly datastore: Datastore
  private readonly init: ManifestLogInit
  private state: LogState = { next: 1, acked: 0 }
  private outbox: ManifestBody[] = []
  private queue: Promise<unknown> = Promise.resolve()

  constructor (components: { datastore: Datastore }, init: ManifestLogInit) {
    this.datastore = components.datastore
    this.init = init
  }

  async start (): Promise<void> {
    const stored = await this.read(this.stateKey())
    if (stored !== undefined) this.state = stored as LogState
    const outbox: ManifestBody[] = []
    for await (const { value } of this.datastore.query({ prefix: this.prefix() + '/outbox/' })) outbox.push(JSON.parse(decoder.decode(value)) as ManifestBody)
    this.outbox = outbox.filter(m => m.seq > this.state.acked).sort((a, b) => a.seq - b.seq)
  }

  /** Seq of the last manifest the peer acknowledged (0 before any). */
  get acknowledged (): number {
    return this.state.acked
  }

  /** Manifests not yet acknowledged, in seq order (a copy). */
  pending (): ManifestBody[] {
    return this.outbox.slice()
  }

  /** Queues a change as one manifest (several if it is very large); returns what was queued. */
  async append (change: ManifestChange): Promise<ManifestBody[]> {
    return await this.exclusive(async () => {
      const made = this.split(change, this.state.next)
      await this.write(made, { next: this.state.next + made.length, acked: this.state.acked })
      this.outbox.push(...made)
      return made
    })
  }

  /** The peer applied everything up to `seq`. */
  async acknowledge (seq: number): Promise<void> {
    await this.exclusive(async () => {
      if (seq <= this.state.acked) return
      const done = this.outbox.filter(m => m.seq <= seq)
      const batch = this.datastore.batch()
      for (const m of done) batch.delete(this.outboxKey(m.seq))
      this.state = { next: Math.max(this.state.next, seq + 1), acked: seq }
      batch.put(this.stateKey(), encoder.encode(JSON.stringify(this.state)))
      await batch.commit()
      this.outbox = this.outbox.filter(m => m.seq > seq)
    })
  }

  /** The peer expects `expected` next: drop what it has, or start over with a snapshot. */
  async rewind (expected: number): Promise<void> {
    // The outbox holds every seq after `acked`, so anything in (acked, next] can be resumed.
    if (expected > this.state.acked && expected <= this.state.next) {
      await this.acknowledge(expected - 1)
      return
    }
    const snapshot = await this.init.snapshot()
    await this.exclusive(async () => {
      const pinned = new Set(snapshot.pin)
      const drop = [...new Set(this.outbox.flatMap(m => m.drop ?? []))].filter(cid => !pinned.has(cid))
      const made = this.split({ ...snapshot, unpin: [], drop }, expected)
      const batch = this.datastore.batch()
      for (const m of this.outbox) batch.delete(this.outboxKey(m.seq))
      await batch.commit()
      this.outbox = []
      await this.write(made, { next: expected + made.length, acked: expected - 1 })
      this.outbox = made
    })
  }

  /**
   * The peer is append-only and refused manifest `seq` for its deletions:
   * rewrites it without its unpins, or, when it has none, without its drops
   * (it was not applied, so the same seq goes out again). Drops go second: an
   * append-only peer takes the drop of a share copy (it stops serving it), so
   * "Stop sharing" still ends the link there. Returns how many roots it no
   * longer asks to delete.
   */
  async withoutDeletions (seq: number): Promise<number> {
    return await this.exclusive(async () => {
      const at = this.outbox.findIndex(m => m.seq === seq)
      const manifest = this.outbox[at]
      if (manifest === undefined) return 0
      const removed = manifest.unpin.length > 0 ? manifest.unpin.length : manifest.drop?.length ?? 0
      const kept: ManifestBody = { ...manifest, unpin: [] }
      if (manifest.unpin.length === 0) delete kept.drop
      await this.write([kept], this.state)
      this.outbox[at] = kept
      return removed
    })
  }

  /**
   * Takes out of the manifests not yet sent the pins of share copies whose
   * expiry has passed (the device was offline past it): the peer refuses an
   * expiry in the past, and such a copy should not be held anyway.
   */
  async withoutExpired (now: number): Promise<void> {
    await this.exclusive(async () => {
      const changed: ManifestBody[] = []
      this.outbox = this.outbox.map(m => {
        const past = new Set(Object.entries(m.expires ?? {}).filter(([, at]) => at <= now).map(([cid]) => cid))
        if (past.size === 0) return m
        const kept: ManifestBody = { ...m, pin: m.pin.filter(cid => !past.has(cid)) }
        for (const field of ['expires', 'sizes'] as const) {
          const left = pick(kept.pin, m[field])
          if (left !== undefined) kept[field] = left
          else delete kept[field]
        }
        const shares = m.shares?.filter(cid => !past.has(cid)) ?? []
        if (shares.length > 0) kept.shares = shares
        else delete kept.shares
        changed.push(kept)
        return kept
      })
      if (changed.length > 0) await this.write(changed, this.state)
    })
  }

  private split (change: ManifestChange, firstSeq: number): ManifestBody[] {
    const pinned = new Set(change.pin)
    const roots = [
      ...change.pin.map(cid => ({ cid, kind: 'pin' as const })),
      ...change.unpin.map(cid => ({ cid, kind: 'unpin' as const })),
      // A root both pinned and dropped stays pinned: the peer refuses such a manifest, and losing data is worse.
      ...(change.drop ?? []).filter(cid => !pinned.has(cid)).map(cid => ({ cid, kind: 'drop' as const }))
    ]
    const shareSet = new Set(change.shares ?? [])
    const out: ManifestBody[] = []
    for (let i = 0; i === 0 || i < roots.length; i += MAX_ROOTS_PER_MANIFEST) {
      const part = roots.slice(i, i + MAX_ROOTS_PER_MANIFEST)
      const of = (kind: 'pin' | 'unpin' | 'drop'): string[] => part.filter(r => r.kind === kind).map(r => r.cid)
      const m: ManifestBody = { device: this.init.device, seq: firstSeq + out.length, pin: of('pin'), unpin: of('unpin') }
      const sizes = pick(m.pin, change.sizes)
      if (sizes !== undefined) m.sizes = sizes
      // Each expiry goes with its root: the peer refuses one for a root the manifest does not pin.
      const expires = pick(m.pin, change.expires)
      if (expires !== undefined) m.expires = expires
      const shares = m.pin.filter(cid => shareSet.has(cid))
      if (shares.length > 0) m.shares = shares
      const drop = of('drop')
      if (drop.length > 0) m.drop = drop
      out.push(m)
    }
    // Heads ride on the last part: the peer learns them once the pins before them are queued.
    if (change.heads !== undefined) (out.at(-1) as ManifestBody).heads = change.heads
    return out
  }

  private async write (made: ManifestBody[], state: LogState): Promise<void> {
    const batch = this.datastore.batch()
    for (const m of made) batch.put(this.outboxKey(m.seq), encoder.encode(JSON.stringify(m)))
    batch.put(this.stateKey(), encoder.encode(JSON.stringify(state)))
    await batch.commit()
    this.state = state
  }

  private async read (key: Key): Promise<unknown> {
    try {
      return JSON.parse(decoder.decode(await this.datastore.get(key)))
    } catch (err) {
      if ((err as Error).name === 'NotFoundError') return undefined
      throw new StorageFailedError('the backup manifest log is unreadable', { cause: err })
    }
  }

  private prefix (): string { return `${DEVICE_PREFIX}/${this.init.peer}` }
  private stateKey (): Key { return new Key(`${this.prefix()}/state`) }
  private outboxKey (seq: number): Key { return new Key(`${this.prefix()}/outbox/${String(seq).padStart(12, '0')}`) }

  private async exclusive<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn)
    this.queue = run.catch(() => {})
    return await run
  }
}

/** The entries of `values` for these roots, or undefined when there are none. */
function pick (roots: string[], values: Record<string, number> | undefined): Record<string, number> | undefined {
  if (values === undefined) return undefined
  const picked = Object.fromEntries(roots.filter(cid => values[cid] !== undefined).map(cid => [cid, values[cid] as number]))
  return Object.keys(picked).length > 0 ? picked : undefined
}
