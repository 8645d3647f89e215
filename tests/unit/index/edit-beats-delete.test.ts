import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { concurrentEdits } from '../../../core/index/conflicts.ts'
import { retainedCids, trashOf, versionsOf } from '../../../core/index/history.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import type { IndexOp } from '../../../core/index/ops.ts'
import { getFile, listFiles, materialise } from '../../../core/index/state.ts'
import { entry, hlc, key, op } from './fixtures.ts'

/**
 * A delete ends what its device had seen: the put it names and what that
 * replaced, never an edit made elsewhere meanwhile, whichever clock ran
 * ahead (ops.ts `target`, state.ts). Found by review: a delete naming the
 * deleting device's own edit also ended an earlier-stamped edit it never saw.
 */

const DAY = Date.UTC(2024, 0, 2)

/** Every order of a few ops. */
function orders<T> (items: T[]): T[][] {
  if (items.length <= 1) return [items]
  return items.flatMap((item, i) => orders([...items.slice(0, i), ...items.slice(i + 1)]).map(rest => [item, ...rest]))
}

const edit = (of: IndexOp, at: number, device: string, seq: number, entryN: number): IndexOp =>
  ({ ...op('put', of.fileId, of.path, hlc(at, 0, device), seq, entryN), target: of.hlc })
const del = (of: IndexOp, at: number, device: string, seq: number): IndexOp =>
  ({ ...op('delete', of.fileId, of.path, hlc(at, 0, device), seq), target: of.hlc })

describe('an edit the deleting device never saw', () => {
  // The laptop and the phone both edit plan.txt while apart, the phone later by
  // the clock; then the phone deletes it: its delete names its own edit.
  const made = op('put', 'f1', 'plan.txt', hlc(DAY, 0, 'devA'), 1, 0)
  const laptopEdit = edit(made, DAY + 1000, 'devA', 2, 1)
  const phoneEdit = edit(made, DAY + 2000, 'devB', 1, 2)
  const phoneDelete = del(phoneEdit, DAY + 3000, 'devB', 2)

  it('survives a delete that names a concurrent edit with a later clock, in every order of arrival', () => {
    for (const order of orders([made, laptopEdit, phoneEdit, phoneDelete])) {
      const state = materialise(order)
      // The laptop's edit is the file, where it was, under its own name.
      assert.deepEqual(listFiles(state).map(f => [f.fileId, f.path, f.entry.cid, f.conflict, f.versionId]),
        [['f1', 'plan.txt', entry(1).cid, false, undefined]])
      assert.deepEqual(getFile(state, 'f1')?.updated, laptopEdit.hlc)
      // The phone's edit is not a conflict (its own device deleted it) and the file is not in the Trash…
      assert.deepEqual(concurrentEdits(state, 'f1'), [])
      assert.deepEqual(trashOf(state), [])
      // …but what the phone deleted is kept as an earlier version, as the Trash would have kept it.
      assert.deepEqual(versionsOf(state, 'f1').map(v => [v.entry.cid, v.replacedAt]), [[entry(2).cid, phoneDelete.hlc.wall], [entry(0).cid, laptopEdit.hlc.wall]])
      assert.deepEqual([...retainedCids(state)].sort(), [entry(0).cid, entry(1).cid, entry(2).cid].sort())
    }
  })

  it('the phone alone sees its file in the Trash; a delete that names the surviving edit ends it', () => {
    const phone = materialise([made, phoneEdit, phoneDelete])
    assert.deepEqual(listFiles(phone), [])
    assert.deepEqual(trashOf(phone).map(t => [t.fileId, t.entry.cid]), [['f1', entry(2).cid]])
    const again = del(laptopEdit, DAY + 4000, 'devB', 3)
    for (const order of orders([made, laptopEdit, phoneEdit, phoneDelete, again]).filter((_, i) => i % 7 === 0)) {
      const state = materialise(order)
      assert.deepEqual(listFiles(state), [])
      // The Trash holds what that delete ended, the laptop's edit, not the last put by the clock.
      assert.deepEqual(trashOf(state).map(t => [t.entry.cid, t.deleted]), [[entry(1).cid, again.hlc]])
      assert.deepEqual(versionsOf(state, 'f1').map(v => v.entry.cid), [entry(2).cid, entry(0).cid])
    }
  })

  it('an edit answered elsewhere is ended like any put before the one a delete names', () => {
    // The laptop's edit was pruned (a conflict resolved for the phone's edit) or replaced by a
    // further edit on the laptop: either answers it, so it does not come back as the file.
    const prune = { ...op('prune', 'f1', 'plan.txt', hlc(DAY + 2500, 0, 'devC'), 1), target: laptopEdit.hlc }
    for (const order of orders([made, laptopEdit, phoneEdit, prune, phoneDelete])) {
      assert.deepEqual(listFiles(materialise(order)), [])
    }
    const laptopAgain = edit(laptopEdit, DAY + 1500, 'devA', 3, 3)
    for (const order of orders([made, laptopEdit, laptopAgain, phoneEdit, phoneDelete]).filter((_, i) => i % 5 === 0)) {
      // The laptop's latest edit is the one still open: it is the file.
      assert.deepEqual(listFiles(materialise(order)).map(f => f.entry.cid), [entry(3).cid])
    }
  })

  it('puts that name nothing (a new file, a restore, formats v1 and v2) and deletes that name nothing still go by the clock', () => {
    // Two v2 puts, then a v3 delete naming the later: the earlier does not come back.
    const v2a = op('put', 'f1', 'plan.txt', hlc(DAY, 0, 'devA'), 1, 0)
    const v2b = op('put', 'f1', 'plan.txt', hlc(DAY + 1000, 0, 'devB'), 1, 1)
    for (const order of orders([v2a, v2b, del(v2b, DAY + 2000, 'devB', 2)])) assert.deepEqual(listFiles(materialise(order)), [])
    // A v2 delete (naming nothing) ends every older put, an unseen edit too.
    const plain = op('delete', 'f1', 'plan.txt', hlc(DAY + 3000, 0, 'devB'), 2)
    for (const order of orders([made, laptopEdit, phoneEdit, plain])) assert.deepEqual(listFiles(materialise(order)), [])
  })

  it('survives it through real index logs on two devices, and a delete made after seeing it ends it', async () => {
    const stores = { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }
    const T0 = Date.UTC(2024, 2, 3, 12)
    const open = async (deviceId: string, now: number): Promise<IndexLog> => {
      const log = new IndexLog(stores, { indexKey: key(9), deviceId, now: () => now })
      await log.start()
      return log
    }
    let laptop = await open('12D3KooWLaptopAAAAAA', T0)
    const file = await laptop.put(entry(0), 'plan.txt')
    let phone = await open('12D3KooWPhoneBBBBBB', T0 + 30_000)
    // Apart: neither sees the other's ops from here.
    await laptop.put(entry(1), 'plan.txt', file.fileId)
    assert.equal(phone.getFile(file.fileId)?.entry.cid, entry(0).cid, 'the phone has not seen the laptop\'s edit')
    await phone.put(entry(2), 'plan.txt', file.fileId)
    await phone.remove(file.fileId)
    await phone.stop()
    await laptop.stop()
    laptop = await open('12D3KooWLaptopAAAAAA', T0 + 60_000)
    phone = await open('12D3KooWPhoneBBBBBB', T0 + 60_000)
    for (const log of [laptop, phone]) {
      assert.deepEqual(log.listFiles().map(f => [f.path, f.entry.cid, f.conflict]), [['plan.txt', entry(1).cid, false]])
      assert.deepEqual(log.history.trash(), [])
      assert.deepEqual(log.history.versions(file.fileId).map(v => v.entry.cid), [entry(2).cid, entry(0).cid])
    }
    // The phone, having seen the laptop's edit now, deletes the file: it goes to the Trash everywhere.
    await phone.remove(file.fileId)
    await phone.stop()
    await laptop.stop()
    laptop = await open('12D3KooWLaptopAAAAAA', T0 + 90_000)
    assert.deepEqual(laptop.listFiles(), [])
    assert.deepEqual(laptop.history.trash().map(t => t.entry.cid), [entry(1).cid])
    await laptop.stop()
  })

  it('deleting a file also names each concurrent edit shown beside it, so none comes back as the file', async () => {
    const stores = { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }
    const T0 = Date.UTC(2024, 2, 3, 12)
    const open = async (deviceId: string, now: number): Promise<IndexLog> => {
      const log = new IndexLog(stores, { indexKey: key(9), deviceId, now: () => now })
      await log.start()
      return log
    }
    let laptop = await open('12D3KooWLaptopAAAAAA', T0)
    const file = await laptop.put(entry(0), 'plan.txt')
    let phone = await open('12D3KooWPhoneBBBBBB', T0 + 30_000)
    await laptop.put(entry(1), 'plan.txt', file.fileId)
    await phone.put(entry(2), 'plan.txt', file.fileId)
    await phone.stop()
    await laptop.stop()
    // Both edits are seen now: the phone's is the file, the laptop's shown beside it.
    phone = await open('12D3KooWPhoneBBBBBB', T0 + 60_000)
    assert.deepEqual(concurrentEdits(phone.state, file.fileId).map(e => e.entry.cid), [entry(1).cid])
    await phone.remove(file.fileId)
    await phone.stop()
    laptop = await open('12D3KooWLaptopAAAAAA', T0 + 90_000)
    assert.deepEqual(laptop.listFiles(), [])
    assert.deepEqual(laptop.history.trash().map(t => t.entry.cid), [entry(2).cid])
    await laptop.stop()
  })
})
