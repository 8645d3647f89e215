import assert from 'node:assert/strict'
import { test } from 'node:test'
import { carriedOps } from '../../../core/index/carry-ops.ts'
import { encodeHlc } from '../../../core/index/hlc.ts'
import type { IndexOp } from '../../../core/index/ops.ts'
import { resealOps } from '../../../core/index/reseal.ts'
import { getFile, listFiles, materialise } from '../../../core/index/state.ts'
import { entry, hlc, op } from './fixtures.ts'

// A rotates the key; B (this device) takes the hand-over. B made changes A never saw.
const A = '12D3KooWRotatingDevice'
const B = '12D3KooWTakingDevice'
const C = '12D3KooWThirdDevice'
const T = 1_700_000_000_000

const aPut = op('put', 'f1', 'a.txt', hlc(T + 1000, 0, A), 1, 0)
const bPut = op('put', 'f2', 'b.txt', hlc(T + 2000, 0, B), 1, 1)
// Seen by A: the two above. Not seen: everything below.
const bEdit: IndexOp = { ...op('put', 'f1', 'a.txt', hlc(T + 3000, 0, B), 2, 2), target: aPut.hlc }
const bNew = op('put', 'f3', 'c.txt', hlc(T + 4000, 0, B), 3, 3)
const bMove = op('move', 'f2', 'b-renamed.txt', hlc(T + 5000, 0, B), 4)
const bPrune: IndexOp = { ...op('prune', 'f1', 'a.txt', hlc(T + 6000, 0, B), 5), target: aPut.hlc }
const cPut = op('put', 'f4', 'third.txt', hlc(T + 4500, 0, C), 1, 1)
const oldOps = [aPut, bPut, bEdit, bNew, bMove, bPrune, cPut]
const seenByA = [aPut, bPut]

const resealed = (): IndexOp[] => resealOps(materialise(seenByA), A, T + 10_000)

test('the changes the rotating device never saw are carried as this device\'s ops, with their old wall times and order; what it saw is not carried twice', () => {
  const fresh = resealed()
  const carried = carriedOps({ oldOps, freshOps: fresh, deviceId: B })
  assert.deepEqual(carried.map(o => [o.kind, o.fileId, o.path, o.hlc.wall]), [
    ['put', 'f1', 'a.txt', T + 3000],
    ['put', 'f3', 'c.txt', T + 4000],
    ['move', 'f2', 'b-renamed.txt', T + 5000],
    ['prune', 'f1', 'a.txt', T + 6000]
  ])
  assert.deepEqual(carried.map(o => o.seq), [1, 2, 3, 4], 'a fresh chain from seq 1')
  assert.ok(carried.every(o => o.device === B && o.hlc.device === B))
  // The edit and the prune name A's put as re-sealed, not its old timestamp.
  const aResealed = fresh.find(o => o.fileId === 'f1' && o.kind === 'put') as IndexOp
  assert.equal(encodeHlc(carried[0]?.target as IndexOp['hlc']), encodeHlc(aResealed.hlc))
  assert.equal(encodeHlc(carried[3]?.target as IndexOp['hlc']), encodeHlc(aResealed.hlc))
  assert.deepEqual(carried[1]?.entry, entry(3), 'the new file keeps its content and key')

  // What the user sees under the new key: B's edit, its new file and its rename, no conflict copy.
  const view = listFiles(materialise([...fresh, ...carried])).map(f => [f.path, f.entry.cid])
  assert.deepEqual(view.sort(), [['a.txt', entry(2).cid], ['b-renamed.txt', entry(1).cid], ['c.txt', entry(3).cid]])
})

test('a third device\'s ops are left to that device, and carrying again after a carry adds nothing', () => {
  const fresh = resealed()
  const carried = carriedOps({ oldOps, freshOps: fresh, deviceId: B })
  assert.ok(!carried.some(o => o.fileId === 'f4'), 'C carries its own when it takes its hand-over')
  assert.deepEqual(carriedOps({ oldOps, freshOps: [...fresh, ...carried], deviceId: B }), [])
})

test('carried after this device already wrote under the new key (so stamped later than made), a move or a plain put does not beat a later rename it had lost to', () => {
  const made = op('put', 'g1', 'doc.txt', hlc(T + 1000, 0, B), 1, 0)
  const bRename = op('move', 'g1', 'b-name.txt', hlc(T + 2000, 0, B), 2)
  const bResave = op('put', 'g1', 'b-name-2.txt', hlc(T + 2500, 0, B), 3, 2)
  const bNew = op('put', 'g2', 'offline.txt', hlc(T + 2600, 0, B), 4, 3)
  const aRename = op('move', 'g1', 'a-name.txt', hlc(T + 3000, 0, A), 1)
  const fresh = resealOps(materialise([made, aRename]), A, T + 3500)
  const mine = op('put', 'g9', 'other.txt', hlc(T + 4000, 0, B), 1, 1)
  const carried = carriedOps({ oldOps: [made, bRename, bResave, bNew], freshOps: [...fresh, mine], deviceId: B, after: { seq: 1, hlc: mine.hlc } })
  const state = materialise([...fresh, mine, ...carried])
  assert.equal(getFile(state, 'g1')?.path, 'a-name.txt', 'A\'s later rename holds')
  assert.equal(getFile(state, 'g1')?.entry.cid, entry(2).cid, 'B\'s content still arrives, as an edit')
  assert.equal(getFile(state, 'g2')?.path, 'offline.txt', 'a new file is carried as it was')
})

test('with this device\'s chain already under the new key, the carried ops follow it', () => {
  const fresh = resealed()
  const mine = op('put', 'f9', 'later.txt', hlc(T + 20_000, 0, B), 1, 2)
  const carried = carriedOps({ oldOps, freshOps: [...fresh, mine], deviceId: B, after: { seq: 1, hlc: mine.hlc } })
  assert.deepEqual(carried.map(o => o.seq), [2, 3, 4, 5])
  assert.ok(carried.every((o, i) => i === 0 || o.hlc.counter > (carried[i - 1] as IndexOp).hlc.counter), 'the clock only moves on')
  assert.ok(carried.every(o => o.hlc.wall === T + 20_000), 'never before the chain it follows')
})

test('nothing of this device\'s is carried when the rotating device saw all of it', () => {
  const fresh = resealOps(materialise(oldOps), A, T + 10_000)
  assert.deepEqual(carriedOps({ oldOps, freshOps: fresh, deviceId: B }), [])
})

test('a re-seal, and a carry, keep an edit an edit when the put it replaced is unknown here: a rename is not undone', () => {
  // The put that made f1 (a removed device's) is not here; A renamed the file, B later saved an edit under the name it knew.
  const made = op('put', 'f1', 'draft.txt', hlc(T, 0, C), 1, 0)
  const renamed = op('move', 'f1', 'final.txt', hlc(T + 2000, 0, A), 1)
  const edit: IndexOp = { ...op('put', 'f1', 'draft.txt', hlc(T + 3000, 0, B), 1, 1), target: made.hlc }
  const before = materialise([renamed, edit])
  assert.equal(getFile(before, 'f1')?.path, 'final.txt')
  const resealed = resealOps(before, A, T + 10_000)
  assert.equal(getFile(materialise(resealed), 'f1')?.path, 'final.txt', 'after the key rotation too')
  assert.equal(getFile(materialise(resealed), 'f1')?.entry.cid, entry(1).cid)
  // B carries its edit against a re-seal that never had it: it stays an edit too.
  const fresh = resealOps(materialise([renamed]), A, T + 10_000)
  const carried = carriedOps({ oldOps: [renamed, edit], freshOps: fresh, deviceId: B })
  assert.equal(encodeHlc(carried[0]?.target as IndexOp['hlc']), encodeHlc(made.hlc))
  assert.equal(getFile(materialise([...fresh, ...carried]), 'f1')?.path, 'final.txt')
})
