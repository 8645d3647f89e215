import type { AbortOptions } from '@libp2p/interface'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { BaseDatastore } from 'datastore-core/base'
import { Key, type Batch, type KeyQuery, type Pair, type Query } from 'interface-datastore'
import { NotFoundError } from 'interface-store'
import { CairnError, StorageFailedError } from '../../core/errors.ts'
import { toStorageError } from '../../core/storage/storage-errors.ts'

/** Options for {@link SqliteDatastore}. */
export interface SqliteDatastoreInit {
  /** The database file (its directory is created when missing). */
  path: string
  /**
   * SQLite's `synchronous` setting. `normal` (the default, with WAL) never
   * loses a commit when the process dies, only possibly the last ones on a
   * power cut; `full` waits for the disk on every commit.
   */
  synchronous?: 'normal' | 'full'
}

/** Rows read per statement in a query, so a huge prefix never sits in memory at once. */
const QUERY_PAGE = 1000
/** How long a write waits for another connection's lock before failing. */
const BUSY_TIMEOUT_MS = 5000
/** SQLite's result codes that mean "no room": SQLITE_FULL. */
const SQLITE_FULL = 13

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * An interface-datastore `Datastore` in one SQLite file (Node's built-in
 * `node:sqlite`), for the Node nodes' Helia (pins, peer store, libp2p key)
 * and Cairn's own records.
 *
 * Why not datastore-fs: it writes each put through a temp file shared by all
 * writers of that key, so concurrent puts of one key lose the last value and
 * each such collision stalls for about a second (measured), and it never
 * fsyncs. Here every put is one transaction in a WAL journal: atomic, ordered,
 * and intact after `kill -9`.
 *
 * Keys are stored as their UTF-8 bytes, whose byte order is the strings'
 * code point order, so a prefix query is one range scan.
 */
export class SqliteDatastore extends BaseDatastore {
  private readonly path: string
  private readonly synchronous: 'normal' | 'full'
  private db: DatabaseSync | undefined
  private statements: Statements | undefined

  constructor (init: SqliteDatastoreInit) {
    super()
    this.path = init.path
    this.synchronous = init.synchronous ?? 'normal'
  }

  /**
   * Opens (creating as needed) the database. Named open/close, not
   * start/stop, on purpose: libp2p and Helia stop every startable component
   * they are given all at once, so a startable datastore would close while
   * the peer store still writes to it during shutdown. The owner closes it
   * after the node has stopped.
   */
  async open (): Promise<void> {
    if (this.db !== undefined) return
    mkdirSync(dirname(this.path), { recursive: true })
    const { DatabaseSync } = await loadSqlite()
    const db = guard(() => new DatabaseSync(this.path), `open the datastore ${this.path}`)
    try {
      db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
      db.exec('PRAGMA journal_mode = WAL')
      db.exec(`PRAGMA synchronous = ${this.synchronous === 'full' ? 'FULL' : 'NORMAL'}`)
      db.exec('CREATE TABLE IF NOT EXISTS kv (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID')
      this.statements = prepare(db)
    } catch (err) {
      db.close()
      throw storageError(err, `open the datastore ${this.path}`)
    }
    this.db = db
  }

  /** Closes the database (idempotent). */
  async close (): Promise<void> {
    const db = this.db
    this.db = undefined
    this.statements = undefined
    db?.close()
  }

  /** True between `open()` and `close()`. */
  isOpen (): boolean {
    return this.db !== undefined
  }

  override async put (key: Key, val: Uint8Array, options?: AbortOptions): Promise<Key> {
    options?.signal?.throwIfAborted()
    const { put } = this.ready()
    guard(() => put.run(keyBytes(key), val), `store ${key.toString()}`)
    return key
  }

  override async get (key: Key, options?: AbortOptions): Promise<Uint8Array> {
    options?.signal?.throwIfAborted()
    const { get } = this.ready()
    const row = guard(() => get.get(keyBytes(key)), `read ${key.toString()}`)
    if (row === undefined) throw new NotFoundError(`No record at ${key.toString()}`)
    return row.value as Uint8Array
  }

  override async has (key: Key, options?: AbortOptions): Promise<boolean> {
    options?.signal?.throwIfAborted()
    const { has } = this.ready()
    return guard(() => has.get(keyBytes(key)), `look up ${key.toString()}`) !== undefined
  }

  override async delete (key: Key, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    const { del } = this.ready()
    guard(() => del.run(keyBytes(key)), `delete ${key.toString()}`)
  }

  override async * putMany (source: Iterable<Pair> | AsyncIterable<Pair>, options?: AbortOptions): AsyncGenerator<Key> {
    const pairs: Pair[] = []
    for await (const pair of source) pairs.push(pair)
    options?.signal?.throwIfAborted()
    this.transaction(pairs.map(({ key, value }) => ({ key, value })), 'store records')
    for (const { key } of pairs) yield key
  }

  override async * deleteMany (source: Iterable<Key> | AsyncIterable<Key>, options?: AbortOptions): AsyncGenerator<Key> {
    const keys: Key[] = []
    for await (const key of source) keys.push(key)
    options?.signal?.throwIfAborted()
    this.transaction(keys.map((key) => ({ key })), 'delete records')
    yield * keys
  }

  /** A batch commits in one transaction: all of it lands, or none. */
  override batch (): Batch {
    const ops: Op[] = []
    return {
      put: (key, value) => { ops.push({ key, value }) },
      delete: (key) => { ops.push({ key }) },
      commit: async (options?: AbortOptions) => {
        options?.signal?.throwIfAborted()
        this.transaction(ops.splice(0), 'commit a batch')
      }
    }
  }

  override async * _all (q: Query, options?: AbortOptions): AsyncGenerator<Pair> {
    for await (const row of this.scan(q.prefix, true, options)) {
      yield { key: new Key(decoder.decode(row.key), false), value: row.value as Uint8Array }
    }
  }

  override async * _allKeys (q: KeyQuery, options?: AbortOptions): AsyncGenerator<Key> {
    for await (const row of this.scan(q.prefix, false, options)) {
      yield new Key(decoder.decode(row.key), false)
    }
  }

  /**
   * Rows in key order, a page at a time, each page a fresh statement: no
   * statement stays open across the caller's awaits, so writes made while a
   * query is being read neither block nor corrupt it.
   */
  private async * scan (prefix: string | undefined, withValues: boolean, options?: AbortOptions): AsyncGenerator<{ key: Uint8Array, value?: unknown }> {
    const { lower, upper } = prefixRange(prefix)
    let after: Uint8Array | undefined
    for (;;) {
      options?.signal?.throwIfAborted()
      const db = this.database()
      const conditions: string[] = []
      const params: Uint8Array[] = []
      // node:sqlite may bind an empty Uint8Array as NULL, which compares as nothing: leave the bound out.
      if (after !== undefined) { conditions.push('key > ?'); params.push(after) } else if (lower.length > 0) { conditions.push('key >= ?'); params.push(lower) }
      if (upper !== undefined) { conditions.push('key < ?'); params.push(upper) }
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''
      const sql = `SELECT key${withValues ? ', value' : ''} FROM kv ${where} ORDER BY key LIMIT ${QUERY_PAGE}`
      const rows = guard(() => db.prepare(sql).all(...params), 'list records')
      for (const row of rows) yield row as { key: Uint8Array, value?: unknown }
      if (rows.length < QUERY_PAGE) return
      after = (rows[rows.length - 1] as { key: Uint8Array }).key
    }
  }

  private transaction (ops: Op[], doing: string): void {
    const db = this.database()
    const { put, del } = this.ready()
    guard(() => {
      db.exec('BEGIN IMMEDIATE')
      try {
        for (const { key, value } of ops) {
          if (value === undefined) del.run(keyBytes(key))
          else put.run(keyBytes(key), value)
        }
        db.exec('COMMIT')
      } catch (err) {
        // SQLite may have rolled back by itself (it does on SQLITE_FULL): a
        // ROLLBACK then fails too, and its error would hide the real one.
        if (db.isTransaction) {
          try {
            db.exec('ROLLBACK')
          } catch {}
        }
        throw err
      }
    }, doing)
  }

  private database (): DatabaseSync {
    if (this.db === undefined) throw new StorageFailedError('The datastore is not open (call open() first)')
    return this.db
  }

  private ready (): Statements {
    this.database()
    return this.statements as Statements
  }
}

let sqlite: Promise<typeof import('node:sqlite')> | undefined

/**
 * node:sqlite, loaded without the ExperimentalWarning Node 22 prints the
 * first time (on stderr, where the servers' JSON log lines go). Only that
 * one warning is dropped, and only while the module loads.
 */
async function loadSqlite (): Promise<typeof import('node:sqlite')> {
  sqlite ??= (async () => {
    const emit = process.emitWarning
    process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
      const text = typeof warning === 'string' ? warning : warning.message
      if (text.startsWith('SQLite is an experimental feature')) return
      ;(emit as (...args: unknown[]) => void).call(process, warning, ...rest)
    }) as typeof process.emitWarning
    try {
      return await import('node:sqlite')
    } finally {
      process.emitWarning = emit
    }
  })()
  return await sqlite
}

interface Op { key: Key, value?: Uint8Array }

interface Statements { put: StatementSync, get: StatementSync, has: StatementSync, del: StatementSync }

function prepare (db: DatabaseSync): Statements {
  return {
    // coalesce: node:sqlite binds some empty Uint8Arrays (e.g. from TextEncoder) as NULL.
    put: db.prepare("INSERT INTO kv (key, value) VALUES (?, coalesce(?, x'')) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
    get: db.prepare('SELECT value FROM kv WHERE key = ?'),
    has: db.prepare('SELECT 1 FROM kv WHERE key = ?'),
    del: db.prepare('DELETE FROM kv WHERE key = ?')
  }
}

function keyBytes (key: Key): Uint8Array {
  return encoder.encode(key.toString())
}

/**
 * The byte range of every key starting with `prefix`: from the prefix up to
 * (not including) the prefix with its last byte below 0xff bumped by one.
 * No upper bound when the prefix is empty or all 0xff bytes.
 */
export function prefixRange (prefix: string | undefined): { lower: Uint8Array, upper?: Uint8Array } {
  const lower = encoder.encode(prefix ?? '')
  let end = lower.length
  while (end > 0 && lower[end - 1] === 0xff) end--
  if (end === 0) return { lower }
  const upper = lower.slice(0, end)
  upper[end - 1] = (upper[end - 1] as number) + 1
  return { lower, upper }
}

function guard<T> (fn: () => T, doing: string): T {
  try {
    return fn()
  } catch (err) {
    throw storageError(err, doing)
  }
}

/** SQLITE_FULL (disk full) becomes QUOTA_EXCEEDED; any other failure STORAGE_FAILED. */
function storageError (err: unknown, doing: string): CairnError {
  return toStorageError(err, doing, isSqliteFull)
}

function isSqliteFull (err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const { errcode } = err as { errcode?: unknown }
  return typeof errcode === 'number' && (errcode & 0xff) === SQLITE_FULL
}
