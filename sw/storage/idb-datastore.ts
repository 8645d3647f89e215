import { BaseDatastore } from 'datastore-core/base'
import { Key, type Batch, type KeyQuery, type Pair, type Query } from 'interface-datastore'
import { NotFoundError } from 'interface-store'
import { StorageFailedError } from '../../core/errors.ts'
import { toStorageError } from '../../core/storage/storage-errors.ts'

/** Options for {@link IdbDatastore}. */
export interface IdbDatastoreInit {
  /** IndexedDB database name. Default `cairn-datastore`. */
  name?: string
  /**
   * Transaction durability. `strict` waits for the disk (use it for records
   * that must never be lost, such as the wrapped vault key); the default
   * lets the browser choose, which is much faster for Helia's many small
   * pin records.
   */
  durability?: IDBTransactionDurability
}

interface AbortOptions { signal?: AbortSignal }

const STORE = 'kv'
const VERSION = 1

/**
 * An interface-datastore `Datastore` on IndexedDB, for Helia (pins, libp2p
 * peer store) and for Cairn's small records (`/cairn/vault`,
 * `/cairn/index/heads/<device>`, settings). Works in windows and workers.
 * Keys are stored as their string form, so IndexedDB's key order is the
 * datastore's and a prefix query is one key-range read.
 */
export class IdbDatastore extends BaseDatastore {
  private readonly name: string
  private readonly durability: IDBTransactionDurability
  private db: IDBDatabase | undefined
  /** The database was open and the browser (or another context) took it away. */
  private lost = false

  constructor (init: IdbDatastoreInit = {}) {
    super()
    this.name = init.name ?? 'cairn-datastore'
    this.durability = init.durability ?? 'default'
  }

  /** Opens (creating or upgrading) the database. */
  async start (): Promise<void> {
    if (this.db !== undefined) return
    const request = indexedDB.open(this.name, VERSION)
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE)
    }
    const db = await settle(request, 'open the datastore')
    // Another context deleting or upgrading the database must not be blocked by us.
    db.onversionchange = () => {
      db.close()
      if (this.db === db) { this.db = undefined; this.lost = true }
    }
    // The browser closed it (site data cleared, storage failing): every later call says so.
    db.onclose = () => { if (this.db === db) { this.db = undefined; this.lost = true } }
    this.db = db
    this.lost = false
  }

  /** Closes the database. */
  async stop (): Promise<void> {
    this.db?.close()
    this.db = undefined
  }

  override async put (key: Key, val: Uint8Array, options?: AbortOptions): Promise<Key> {
    options?.signal?.throwIfAborted()
    await this.write((store) => { store.put(storable(val), key.toString()) }, `store ${key.toString()}`)
    return key
  }

  override async get (key: Key, options?: AbortOptions): Promise<Uint8Array> {
    options?.signal?.throwIfAborted()
    const value: unknown = await settle(this.read().get(key.toString()), `read ${key.toString()}`)
    if (!(value instanceof Uint8Array)) throw new NotFoundError(`No record at ${key.toString()}`)
    return value
  }

  override async has (key: Key, options?: AbortOptions): Promise<boolean> {
    options?.signal?.throwIfAborted()
    return (await settle(this.read().count(key.toString()), `look up ${key.toString()}`)) > 0
  }

  override async delete (key: Key, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    await this.write((store) => { store.delete(key.toString()) }, `delete ${key.toString()}`)
  }

  override async * putMany (source: Iterable<Pair> | AsyncIterable<Pair>, options?: AbortOptions): AsyncGenerator<Key> {
    // Collected first: an IndexedDB transaction commits as soon as it waits on anything else.
    const pairs: Pair[] = []
    for await (const pair of source) pairs.push(pair)
    options?.signal?.throwIfAborted()
    await this.write((store) => { for (const { key, value } of pairs) store.put(storable(value), key.toString()) }, 'store records')
    for (const { key } of pairs) yield key
  }

  override async * deleteMany (source: Iterable<Key> | AsyncIterable<Key>, options?: AbortOptions): AsyncGenerator<Key> {
    const keys: Key[] = []
    for await (const key of source) keys.push(key)
    options?.signal?.throwIfAborted()
    await this.write((store) => { for (const key of keys) store.delete(key.toString()) }, 'delete records')
    yield * keys
  }

  /** A batch commits in one transaction: all of it lands, or none. */
  override batch (): Batch {
    const ops: Array<{ key: Key, value?: Uint8Array }> = []
    return {
      put: (key, value) => { ops.push({ key, value }) },
      delete: (key) => { ops.push({ key }) },
      commit: async (options?: AbortOptions) => {
        options?.signal?.throwIfAborted()
        const batch = ops.splice(0)
        await this.write((store) => {
          for (const { key, value } of batch) {
            if (value === undefined) store.delete(key.toString())
            else store.put(storable(value), key.toString())
          }
        }, 'commit a batch')
      }
    }
  }

  override async * _all (q: Query, options?: AbortOptions): AsyncGenerator<Pair> {
    options?.signal?.throwIfAborted()
    const store = this.read()
    const range = prefixRange(q.prefix)
    // Both reads in one transaction see the same snapshot, so keys and values line up.
    const [keys, values] = await Promise.all([
      settle(store.getAllKeys(range), 'list records'),
      settle(store.getAll(range), 'list records')
    ])
    for (let i = 0; i < keys.length; i++) {
      const value: unknown = values[i]
      if (value instanceof Uint8Array) yield { key: new Key(String(keys[i])), value }
    }
  }

  override async * _allKeys (q: KeyQuery, options?: AbortOptions): AsyncGenerator<Key> {
    options?.signal?.throwIfAborted()
    const keys = await settle(this.read().getAllKeys(prefixRange(q.prefix)), 'list keys')
    for (const key of keys) yield new Key(String(key))
  }

  /**
   * A transaction on the open database. One the browser closed behind us
   * throws InvalidStateError here: that becomes STORAGE_FAILED in words.
   */
  private transaction (mode: IDBTransactionMode): IDBTransaction {
    const closed = 'The browser closed this device\'s Cairn database (its site data was cleared, or its storage is failing); reload the page'
    if (this.db === undefined) throw new StorageFailedError(this.lost ? closed : 'The datastore is not open (call start() first)')
    try {
      return this.db.transaction(STORE, mode, mode === 'readwrite' ? { durability: this.durability } : undefined)
    } catch (err) {
      throw new StorageFailedError(err instanceof DOMException && err.name === 'InvalidStateError' ? closed : `Could not use the datastore (${String(err)})`, { cause: err })
    }
  }

  private read (): IDBObjectStore {
    return this.transaction('readonly').objectStore(STORE)
  }

  private async write (fill: (store: IDBObjectStore) => void, doing: string): Promise<void> {
    const tx = this.transaction('readwrite')
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => { resolve() }
      // A quota failure aborts the transaction with a QuotaExceededError.
      tx.onabort = () => { reject(toStorageError(tx.error ?? new DOMException('aborted', 'AbortError'), doing)) }
    })
    try {
      fill(tx.objectStore(STORE))
    } catch (err) {
      tx.abort()
      await done.catch(() => {})
      throw toStorageError(err, doing)
    }
    await done
  }
}

/**
 * A value IndexedDB can keep as is. Structured clone copies a view's whole
 * underlying buffer, so a view into a larger buffer is copied down first.
 */
function storable (value: Uint8Array): Uint8Array {
  return value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? value : value.slice()
}

/**
 * The key range of every string that starts with `prefix`: from the prefix
 * up to (not including) the prefix with its last UTF-16 unit bumped by one.
 */
export function prefixRange (prefix: string | undefined): IDBKeyRange | undefined {
  if (prefix === undefined || prefix === '') return undefined
  let stem = prefix
  while (stem.length > 0 && stem.charCodeAt(stem.length - 1) === 0xffff) stem = stem.slice(0, -1)
  if (stem === '') return IDBKeyRange.lowerBound(prefix)
  const upper = stem.slice(0, -1) + String.fromCharCode(stem.charCodeAt(stem.length - 1) + 1)
  return IDBKeyRange.bound(prefix, upper, false, true)
}

function settle<T> (request: IDBRequest<T>, doing: string): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => { resolve(request.result) }
    request.onerror = () => { reject(toStorageError(request.error, doing)) }
  })
}
