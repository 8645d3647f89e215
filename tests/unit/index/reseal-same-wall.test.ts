import assert from 'node:assert/strict'
import { test } from 'node:test'
import { carriedOps } from '../../../core/index/carry-ops.ts'
import type { IndexOp } from '../../../core/index/ops.ts'
import { resealOps } from '../../../core/index/reseal.ts'
import { getFile, materialise } from '../../../core/index/state.ts'
import { hlc, op } from './fixtures.ts'

const A = '12D3KooWRotatingDevice'
const B = '12D3KooWTakingDevice'
const C = '12D3KooWThirdDevice'
const W = 1_700_000_000_000

// One device's clock runs ahead, so every op shares its wall time and only counters move on.
const made = op('put', 'f1', 'draft.txt', hlc(W, 5, C), 1, 0)
const renamed = op('move', 'f1', 'final.txt', hlc(W, 6, A), 1)
const edit: IndexOp = { ...op('put', 'f1', 'draft.txt', hlc(W, 7, B), 1, 1), target: made.hlc }

test('re-seal: an edit of an unknown put at the same wall time stays an edit', () => {
  const before = materialise([renamed, edit])
  assert.equal(getFile(before, 'f1')?.path, 'final.txt')
  const resealed = resealOps(before, A, W + 10_000)
  assert.equal(getFile(materialise(resealed), 'f1')?.path, 'final.txt')
})

test('carry: an edit of an unknown put at the same wall time stays an edit', () => {
  const fresh = resealOps(materialise([renamed]), A, W + 10_000)
  const carried = carriedOps({ oldOps: [renamed, edit], freshOps: fresh, deviceId: B })
  assert.equal(getFile(materialise([...fresh, ...carried]), 'f1')?.path, 'final.txt')
})

test('carry, shifted plain put: with a newer put above it, it is still an edit and does not place the file', () => {
  const T = W
  const made = op('put', 'g1', 'doc.txt', hlc(T + 1000, 0, B), 1, 0)
  const bResave = op('put', 'g1', 'b-name.txt', hlc(T + 2500, 0, B), 2, 2)
  const aRename = op('move', 'g1', 'a-name.txt', hlc(T + 3000, 0, A), 1)
  const fresh = resealOps(materialise([made, aRename]), A, T + 3500)
  const madeNew = fresh.find(o => o.kind === 'put') as IndexOp
  const mine = op('put', 'g9', 'other.txt', hlc(T + 4000, 0, B), 1, 1)
  // A edits the file (under the name it knows) after B's own first write under the new key.
  const aEdit: IndexOp = { ...op('put', 'g1', 'a-name.txt', hlc(T + 5000, 0, A), fresh.length + 1, 3), target: madeNew.hlc }
  const carried = carriedOps({ oldOps: [made, bResave], freshOps: [...fresh, aEdit, mine], deviceId: B, after: { seq: 1, hlc: mine.hlc } })
  const state = materialise([...fresh, aEdit, mine, ...carried])
  assert.equal(getFile(state, 'g1')?.path, 'a-name.txt', 'A\'s later rename holds')
})
