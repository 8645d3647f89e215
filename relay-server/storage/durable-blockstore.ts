import type { AbortOptions } from '@libp2p/interface'
import { BaseBlockstore } from 'blockstore-core/base'
import type { InputPair, Pair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'
import type { PackBlockstore } from '../../core/storage/pack-blockstore.ts'

/**
 * A pack blockstore whose `put` and `delete` resolve only once the change is
 * on disk. The pack store makes a lone put durable up to a second later;
 * on the backup peer that is not enough, because what it records next (a
 * Helia pin, "root held" in the backup state) goes to the datastore, which
 * commits at once: a `kill -9` in between left the peer sure it held a
 * block it had lost (found by the kill -9 replication test).
 *
 * Concurrent puts share flushes (group commit): the pack store runs appends
 * and flushes in one queue, so a flush covers every append queued before it
 * and the flushes behind it find nothing left to sync.
 *
 * `has` says no to a block whose put has not reached the disk yet: the pack
 * store indexes a block as soon as it is appended, and another fetch walking
 * the same block would otherwise pin it and record it held before it is
 * durable. That fetch puts it again instead, which writes nothing and waits
 * for the same flush.
 */
export class DurableBlockstore extends BaseBlockstore {
  /** Puts not yet flushed, by multihash (how the pack store keys blocks), with how many are under way. */
  private readonly unflushed = new Map<string, number>()

  constructor (readonly inner: PackBlockstore) {
    super()
  }

  async start (): Promise<void> {
    await this.inner.start()
  }

  async stop (): Promise<void> {
    await this.inner.stop()
  }

  override has (key: CID, options?: AbortOptions): boolean {
    return !this.unflushed.has(unflushedKey(key)) && this.inner.has(key, options)
  }

  override async put (key: CID, val: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options?: AbortOptions): Promise<CID> {
    const pending = unflushedKey(key)
    // A block already durable stays held while it is put again; one still on its way stays hidden.
    const hides = this.unflushed.has(pending) || !this.inner.has(key)
    if (hides) this.unflushed.set(pending, (this.unflushed.get(pending) ?? 0) + 1)
    try {
      const cid = await this.inner.put(key, val, options)
      await this.inner.flush()
      return cid
    } finally {
      if (hides) {
        const left = (this.unflushed.get(pending) ?? 1) - 1
        if (left === 0) this.unflushed.delete(pending)
        else this.unflushed.set(pending, left)
      }
    }
  }

  override async * putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>, options?: AbortOptions): AsyncGenerator<CID> {
    // The pack store flushes once at the end of a putMany; a caller that acts
    // on each yielded CID before the end still sees it durable.
    for await (const { cid, bytes } of source) yield await this.put(cid, bytes, options)
  }

  override get (key: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    return this.inner.get(key, options)
  }

  override getAll (options?: AbortOptions): AsyncGenerator<Pair> {
    return this.inner.getAll(options)
  }

  override async delete (key: CID, options?: AbortOptions): Promise<void> {
    await this.inner.delete(key, options)
    await this.inner.flush()
  }

  override async * deleteMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<CID> {
    for await (const cid of source) {
      await this.delete(cid, options)
      yield cid
    }
  }
}

function unflushedKey (cid: CID): string {
  return Buffer.from(cid.multihash.bytes).toString('base64')
}
