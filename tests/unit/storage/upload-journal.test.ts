import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { RecordingBlockstore } from '../../../core/storage/encrypted-content.ts'
import { sweepUploads, UploadJournal } from '../../../core/storage/upload-journal.ts'

async function block (n: number): Promise<{ cid: CID, bytes: Uint8Array }> {
  const bytes = new Uint8Array([n, n, n])
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

async function recordedCids (datastore: MemoryDatastore): Promise<string[]> {
  const cids: string[] = []
  for await (const { value } of datastore.query({ prefix: '/cairn/uploads/' })) cids.push(...new TextDecoder().decode(value).split('\n'))
  return cids
}

/** A store whose every put first checks the block is already named by an upload record. */
class CheckingBlockstore extends MemoryBlockstore {
  unrecordedPuts = 0
  constructor (private readonly datastore: MemoryDatastore) { super() }
  override async put (cid: CID, bytes: Uint8Array): Promise<CID> {
    if (!(await recordedCids(this.datastore)).includes(cid.toString())) this.unrecordedPuts++
    return await super.put(cid, bytes)
  }
}

describe('UploadJournal', () => {
  it('records every block an upload adds before the store gets it, in shared batch writes', async () => {
    const datastore = new MemoryDatastore()
    const blockstore = new CheckingBlockstore(datastore)
    const store = new RecordingBlockstore(blockstore, new UploadJournal(datastore))
    const blocks = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(block))
    await Promise.all(blocks.map(async b => await store.put(b.cid, b.bytes)))
    assert.equal(blockstore.unrecordedPuts, 0)
    assert.deepEqual((await recordedCids(datastore)).sort(), blocks.map(b => b.cid.toString()).sort())
    let records = 0
    for await (const entry of datastore.query({ prefix: '/cairn/uploads/' })) records += entry.value.length > 0 ? 1 : 0
    assert.ok(records < blocks.length, `${records} datastore writes for ${blocks.length} parallel blocks`)
  })

  it('never records a block that was already stored, so a sweep of a cut-off upload leaves it', async () => {
    const datastore = new MemoryDatastore()
    const blockstore = new MemoryBlockstore()
    const held = await block(1)
    await blockstore.put(held.cid, held.bytes)
    const added = await block(2)
    const store = new RecordingBlockstore(blockstore, new UploadJournal(datastore))
    await store.put(held.cid, held.bytes)
    await store.put(added.cid, added.bytes)
    // Cut off here: neither commit nor rollback runs.
    assert.deepEqual(await recordedCids(datastore), [added.cid.toString()])
    assert.deepEqual(await sweepUploads({ blockstore, datastore }, () => false), { uploads: 1, blocks: 1, cutOff: [] })
    assert.equal(await blockstore.has(held.cid), true)
    assert.equal(await blockstore.has(added.cid), false)
    assert.deepEqual(await recordedCids(datastore), [])
  })

  it('a record naming a block the vault keeps (the upload reached the index) frees nothing and goes', async () => {
    const datastore = new MemoryDatastore()
    const blockstore = new MemoryBlockstore()
    const [leaf, root] = await Promise.all([block(1), block(2)])
    const store = new RecordingBlockstore(blockstore, new UploadJournal(datastore))
    await store.put(leaf.cid, leaf.bytes)
    await store.put(root.cid, root.bytes)
    assert.deepEqual(await sweepUploads({ blockstore, datastore }, (cid) => cid === root.cid.toString()), { uploads: 1, blocks: 0, cutOff: [] })
    assert.equal(await blockstore.has(leaf.cid), true)
    assert.deepEqual(await recordedCids(datastore), [])
  })

  it('a labelled upload cut off gives its label back from the sweep; one that ended leaves no label behind', async () => {
    const datastore = new MemoryDatastore()
    const blockstore = new MemoryBlockstore()
    const [a, b, c] = await Promise.all([block(1), block(2), block(3)])
    const label = new Uint8Array([7, 7, 7])
    const finished = new RecordingBlockstore(blockstore, new UploadJournal(datastore, new Uint8Array([1])))
    await finished.put(a.cid, a.bytes)
    await finished.commit()
    const keys: string[] = []
    for await (const key of datastore.queryKeys({ prefix: '/cairn/uploads/' })) keys.push(key.toString())
    assert.deepEqual(keys, [], 'a finished upload leaves neither its batches nor its label')

    const cut = new RecordingBlockstore(blockstore, new UploadJournal(datastore, label))
    await cut.put(b.cid, b.bytes)
    await cut.put(c.cid, c.bytes)
    // The tab closes here: no commit, no rollback.
    const sweep = await sweepUploads({ blockstore, datastore }, () => false)
    assert.deepEqual(sweep, { uploads: 1, blocks: 2, cutOff: [label] })
    assert.equal(await blockstore.has(b.cid), false)
    assert.equal(await blockstore.has(a.cid), true)
    for await (const key of datastore.queryKeys({ prefix: '/cairn/uploads/' })) assert.fail(`left ${key.toString()}`)
  })

  it('commit and rollback drop the record; a rollback that cannot delete leaves it for the sweep', async () => {
    const datastore = new MemoryDatastore()
    const blockstore = new MemoryBlockstore()
    const b = await block(1)
    const kept = new RecordingBlockstore(blockstore, new UploadJournal(datastore))
    await kept.put(b.cid, b.bytes)
    await kept.commit()
    assert.deepEqual(await recordedCids(datastore), [])
    const c = await block(2)
    const undone = new RecordingBlockstore(blockstore, new UploadJournal(datastore))
    await undone.put(c.cid, c.bytes)
    await undone.rollback()
    assert.deepEqual(await recordedCids(datastore), [])
    assert.equal(await blockstore.has(c.cid), false)
    const failing = new MemoryBlockstore()
    failing.delete = async () => { throw new Error('disk gone') }
    const stuck = new RecordingBlockstore(failing, new UploadJournal(datastore))
    await stuck.put(c.cid, c.bytes)
    await assert.rejects(stuck.rollback())
    assert.deepEqual(await recordedCids(datastore), [c.cid.toString()])
  })
})
