import type { Blockstore } from 'interface-blockstore'
import { Key, type Datastore } from 'interface-datastore'
import { CID } from 'multiformats/cid'

/**
 * Records of uploads in progress: `/cairn/uploads/<upload id>/<batch number>`,
 * each batch the CIDs it names, one per line, and `/cairn/uploads/<upload id>/label`,
 * what the upload was (opaque bytes: the vault seals the file's path), written
 * with the first batch so a cut-off upload can be named to the user.
 */
const PREFIX = '/cairn/uploads/'
const LABEL = 'label'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

const randomId = (): string => Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('')

/** One batch of CIDs: written as one datastore record, once the batch before it is. */
interface Batch {
  cids: string[]
  written: Promise<void>
}

/**
 * The durable record of one upload in progress: the CIDs of the blocks it
 * adds, each recorded in the datastore BEFORE the block is handed to the
 * blockstore (`note` resolves once it is). Whatever a closed tab or a crash
 * leaves stored is therefore named here, and the next unlock frees it
 * ({@link sweepUploads}); `end` drops the record once the upload's blocks
 * are either named by the index or taken back.
 *
 * CIDs go in batches, each its own key (rewriting one growing value would
 * cost time quadratic in the file's size). Group commit: while one batch is
 * being written the next gathers every block that asks meanwhile, so the
 * importer's parallel writes share one datastore write.
 */
export class UploadJournal {
  private readonly id = randomId()
  private batches = 0
  /** The batch taking CIDs, not yet being written. */
  private next: Batch | undefined
  /** The last batch write started (its failure is its own blocks' to report). */
  private last: Promise<void> = Promise.resolve()

  /** `label`: what to name this upload by if it is cut off (sealed by the caller: it is stored as given). */
  constructor (private readonly datastore: Datastore, private readonly label?: Uint8Array) {}

  /** Records `cid`; the block may be stored once this resolves. */
  async note (cid: CID): Promise<void> {
    const batch = this.next ?? this.gather()
    batch.cids.push(cid.toString())
    await batch.written
  }

  private gather (): Batch {
    const batch: Batch = { cids: [], written: Promise.resolve() }
    batch.written = this.last.then(async () => {
      // From here this batch takes no more CIDs: later ones wait for the next write.
      if (this.next === batch) this.next = undefined
      const n = this.batches++
      const value = encoder.encode(batch.cids.join('\n'))
      if (n > 0 || this.label === undefined) { await this.datastore.put(this.keyOf(n), value); return }
      // The label goes with the first batch, in one write: no record without it, no extra write.
      const first = this.datastore.batch()
      first.put(this.labelKey(), this.label)
      first.put(this.keyOf(n), value)
      await first.commit()
    })
    this.last = batch.written.catch(() => {})
    this.next = batch
    return batch
  }

  /**
   * The upload is over. 'drop' deletes the record, every batch in one
   * datastore batch (all or none: a record cut in half could name a live
   * file's blocks without its root); 'keep' leaves it for the next sweep.
   * Call only when no `note` is pending.
   */
  async end (record: 'drop' | 'keep'): Promise<void> {
    await this.last
    if (record === 'keep') return
    const drop = this.datastore.batch()
    for (let n = 0; n < this.batches; n++) drop.delete(this.keyOf(n))
    if (this.batches > 0 && this.label !== undefined) drop.delete(this.labelKey())
    await drop.commit()
  }

  private keyOf (batch: number): Key {
    return new Key(`${PREFIX}${this.id}/${batch}`)
  }

  private labelKey (): Key {
    return new Key(`${PREFIX}${this.id}/${LABEL}`)
  }
}

/** What a sweep found and freed. */
export interface UploadSweep {
  /** Records left by uploads that never ended. */
  uploads: number
  /** Blocks deleted. */
  blocks: number
  /** The labels of the uploads whose blocks were freed (those that had one): uploads the user never got. */
  cutOff: Uint8Array[]
}

/**
 * Frees what uploads cut off by a closed tab or a crash left stored: every
 * record is read, and unless one of its blocks is kept (`keep`: the upload
 * got as far as the index naming it, and only the record's removal was
 * lost) its blocks are deleted; then the record goes. A record whose blocks
 * could not all be deleted stays for the next sweep. Run it before any
 * upload of this session starts (at unlock). An upload of a session just
 * locked may still be taking its blocks back meanwhile: both delete the
 * same blocks, and that upload can no longer name them in an index (the
 * locked session's index stopped, its writes finished, before this one opened).
 */
export async function sweepUploads (stores: { blockstore: Blockstore, datastore: Datastore }, keep: (cid: string) => boolean): Promise<UploadSweep> {
  const records = new Map<string, { keys: Key[], cids: string[], label?: Uint8Array }>()
  for await (const { key, value } of stores.datastore.query({ prefix: PREFIX })) {
    const [,, id = '', part] = key.namespaces()
    const record = records.get(id) ?? { keys: [], cids: [] }
    record.keys.push(key)
    if (part === LABEL) record.label = value
    else record.cids.push(...decoder.decode(value).split('\n').filter(text => text !== ''))
    records.set(id, record)
  }
  const sweep: UploadSweep = { uploads: 0, blocks: 0, cutOff: [] }
  for (const record of records.values()) {
    sweep.uploads++
    if (!record.cids.some(keep)) {
      sweep.blocks += await deleteAll(stores.blockstore, record.cids)
      if (record.label !== undefined) sweep.cutOff.push(record.label)
    }
    const drop = stores.datastore.batch()
    for (const key of record.keys) drop.delete(key)
    await drop.commit()
  }
  return sweep
}

/** Deletes the blocks named that are stored; `deleteMany` makes the pack store's deletes durable before it ends. */
async function deleteAll (blockstore: Blockstore, texts: string[]): Promise<number> {
  const stored: CID[] = []
  for (const text of texts) {
    let cid: CID
    try {
      cid = CID.parse(text)
    } catch {
      continue // not a CID: nothing of ours to free
    }
    if (await blockstore.has(cid)) stored.push(cid)
  }
  for await (const cid of blockstore.deleteMany(stored)) void cid
  return stored.length
}
