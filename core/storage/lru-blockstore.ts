import type { AbortOptions } from '@libp2p/interface'
import { concatBytes } from '@noble/hashes/utils.js'
import { BaseBlockstore } from 'blockstore-core/base'
import { NotFoundError } from 'interface-store'
import { base32 } from 'multiformats/bases/base32'
import type { Pair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

interface Entry { cid: CID, bytes: Uint8Array }

/**
 * A memory blockstore that keeps at most `maxBytes`, dropping the least
 * recently used blocks first: a cache, for a node that must not keep what it
 * fetches (a share recipient) yet reads some blocks more than once (a UnixFS
 * root is read for every window; a preview and a download overlap).
 */
export class LruBlockstore extends BaseBlockstore {
  private bytes = 0
  /** Map order is insertion order: re-inserting a block marks it recently used. */
  private readonly entries = new Map<string, Entry>()

  constructor (private readonly maxBytes: number) {
    super()
  }

  override async put (cid: CID, value: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options?: AbortOptions): Promise<CID> {
    options?.signal?.throwIfAborted()
    const pieces: Uint8Array[] = []
    if (value instanceof Uint8Array) pieces.push(value)
    else for await (const piece of value) pieces.push(piece)
    const size = pieces.reduce((sum, piece) => sum + piece.byteLength, 0)
    const id = base32.encode(cid.multihash.bytes)
    this.forget(id)
    if (size > this.maxBytes) return cid
    const bytes = pieces.length === 1 ? pieces[0] as Uint8Array : concatBytes(...pieces)
    this.entries.set(id, { cid, bytes })
    this.bytes += size
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break
      this.forget(oldest)
    }
    return cid
  }

  override * get (cid: CID, options?: AbortOptions): Generator<Uint8Array> {
    options?.signal?.throwIfAborted()
    const id = base32.encode(cid.multihash.bytes)
    const entry = this.entries.get(id)
    if (entry === undefined) throw new NotFoundError()
    this.entries.delete(id)
    this.entries.set(id, entry)
    yield entry.bytes
  }

  override has (cid: CID): boolean {
    return this.entries.has(base32.encode(cid.multihash.bytes))
  }

  override async delete (cid: CID): Promise<void> {
    this.forget(base32.encode(cid.multihash.bytes))
  }

  override * getAll (): Generator<Pair> {
    for (const { cid, bytes } of [...this.entries.values()]) yield { cid, bytes: once(bytes) }
  }

  /** Bytes held now. */
  get size (): number {
    return this.bytes
  }

  private forget (id: string): void {
    const entry = this.entries.get(id)
    if (entry === undefined) return
    this.entries.delete(id)
    this.bytes -= entry.bytes.byteLength
  }
}

function * once (bytes: Uint8Array): Generator<Uint8Array> {
  yield bytes
}
