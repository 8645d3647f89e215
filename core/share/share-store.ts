import { Key, type Datastore } from 'interface-datastore'
import { openSecret, sealSecret } from '../crypto/secretbox.ts'
import { CairnError, FileNotFoundError, InvalidArgumentError } from '../errors.ts'

/** One link I made, as "My shares" lists it. */
export interface ShareRecord {
  /** Random id (32 hex digits, see {@link newShareId}). */
  id: string
  /** The vault file it is a copy of. */
  fileId: string
  /** Root CID (text) of the share's encrypted copy. */
  cid: string
  name: string
  size: number
  type: string
  /** Milliseconds since the epoch. */
  createdAt: number
  /** After this (ms since the epoch) the peers unpin it; absent = never. */
  expiresAt?: number
  /** The link itself: it holds the share key, hence the sealing. */
  link: string
  /** Every root to pin when there are several (a folder: its listing, then each file); absent = just `cid`. */
  roots?: string[]
  /** A folder share: the folder's path in the vault (chosen files: the link's name), and how many files the snapshot holds. */
  folder?: string
  fileCount?: number
  /** Every block of the share's copy (CID text), so "Stop sharing" can delete them here. */
  blocks?: string[]
  /** Set once an expired share's blocks were deleted from this device. */
  freed?: boolean
}

const PREFIX = '/cairn/shares/'
const ID = /^[0-9a-f]{32}$/
const encoder = new TextEncoder()

/** A fresh random share id. */
export function newShareId (): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('')
}

const keyOf = (id: string): Key => {
  if (!ID.test(id)) throw new InvalidArgumentError(`not a share id: ${id}`)
  return new Key(PREFIX + id)
}

/**
 * The shares I made, in a Datastore under `/cairn/shares/<id>`. Each record
 * is sealed (XChaCha20-Poly1305) under a vault subkey because its link holds
 * the share key; the record's datastore key is the associated data, so a
 * record moved to another id, edited or cut off is refused with
 * SHARE_RECORD_TAMPERED rather than shown.
 */
export class ShareStore {
  private queue: Promise<unknown> = Promise.resolve()

  constructor (private readonly datastore: Datastore, private readonly sealingKey: Uint8Array) {
    if (sealingKey.length !== 32) throw new InvalidArgumentError('the share sealing key is 32 bytes')
  }

  /** Stores a record (a record with the same id is replaced). */
  async add (record: ShareRecord): Promise<void> {
    await this.exclusive(async () => { await this.put(record) })
  }

  async get (id: string): Promise<ShareRecord | undefined> {
    const key = keyOf(id)
    if (!(await this.datastore.has(key))) return undefined
    return this.open(key, await this.datastore.get(key))
  }

  /** Every readable record, newest first (see {@link ShareStore.survey}). */
  async list (): Promise<ShareRecord[]> {
    return (await this.survey()).records
  }

  /**
   * Every readable record, newest first, and how many records are damaged
   * (changed, cut or moved: SHARE_RECORD_TAMPERED). A damaged record is left
   * out rather than failing the list, so one bad record does not hide every
   * other share (nor take them out of backup's pins). A failing datastore
   * still throws.
   */
  async survey (): Promise<{ records: ShareRecord[], damaged: number }> {
    const records: ShareRecord[] = []
    let damaged = 0
    for await (const { key, value } of this.datastore.query({ prefix: PREFIX })) {
      try {
        records.push(this.open(key, value))
      } catch (err) {
        if (!(err instanceof CairnError) || err.code !== 'SHARE_RECORD_TAMPERED') throw err
        damaged++
      }
    }
    records.sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id))
    return { records, damaged }
  }

  /** Changes some fields of a record (e.g. `freed`); returns the new record. */
  async update (id: string, changes: Partial<Omit<ShareRecord, 'id'>>): Promise<ShareRecord> {
    return await this.exclusive(async () => {
      const current = await this.get(id)
      if (current === undefined) throw new FileNotFoundError(`no share ${id}`)
      const next = { ...current, ...changes, id }
      await this.put(next)
      return next
    })
  }

  /** Forgets a record; returns it, or undefined when there was none. */
  async remove (id: string): Promise<ShareRecord | undefined> {
    return await this.exclusive(async () => {
      const record = await this.get(id)
      if (record !== undefined) await this.datastore.delete(keyOf(id))
      return record
    })
  }

  private async put (record: ShareRecord): Promise<void> {
    const key = keyOf(record.id)
    const plain = encoder.encode(JSON.stringify(record))
    await this.datastore.put(key, sealSecret(this.sealingKey, plain, encoder.encode(key.toString())))
  }

  /** Writes one at a time, so an update's read-then-write never brings back a record removed meanwhile. */
  private async exclusive<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn)
    this.queue = run.catch(() => {})
    return await run
  }

  private open (key: Key, sealed: Uint8Array): ShareRecord {
    const plain = openSecret(this.sealingKey, sealed, encoder.encode(key.toString()), 'SHARE_RECORD_TAMPERED')
    let record: unknown
    try {
      record = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain))
    } catch (err) {
      throw new CairnError('SHARE_RECORD_TAMPERED', 'a share record is not readable', { cause: err })
    }
    if (!isShareRecord(record) || PREFIX + record.id !== key.toString()) throw new CairnError('SHARE_RECORD_TAMPERED', 'a share record has the wrong shape')
    return record
  }
}

function isShareRecord (value: unknown): value is ShareRecord {
  if (typeof value !== 'object' || value === null) return false
  const r = value as Record<string, unknown>
  return typeof r.id === 'string' && typeof r.fileId === 'string' && typeof r.cid === 'string' &&
    typeof r.name === 'string' && typeof r.size === 'number' && typeof r.type === 'string' &&
    typeof r.createdAt === 'number' && (r.expiresAt === undefined || typeof r.expiresAt === 'number') &&
    typeof r.link === 'string' &&
    (r.blocks === undefined || (Array.isArray(r.blocks) && r.blocks.every(b => typeof b === 'string'))) &&
    (r.roots === undefined || (Array.isArray(r.roots) && r.roots.every(b => typeof b === 'string'))) &&
    (r.folder === undefined || typeof r.folder === 'string') && (r.fileCount === undefined || typeof r.fileCount === 'number') &&
    (r.freed === undefined || typeof r.freed === 'boolean')
}
