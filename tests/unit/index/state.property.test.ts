import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { conflictName } from '../../../core/index/conflict-name.ts'
import { compareOps, type IndexOp, type OpKind } from '../../../core/index/ops.ts'
import { validatePath } from '../../../core/index/paths.ts'
import { listFiles, materialise, stateToJson } from '../../../core/index/state.ts'
import { retainedCids, trashOf, versionsOf } from '../../../core/index/history.ts'
import { entry, hlc, op } from './fixtures.ts'

const DEVICES = ['devA', 'devB', 'devC']
const FILE_IDS = ['f1', 'f2', 'f3', 'f4']
const PATHS = ['a.txt', 'b.txt', 'dir/a.txt', 'a (conflict, devB, 1970-01-01).txt']

// Few distinct walls and counters, so equal and near-equal timestamps (and
// even two different ops with one timestamp) come up often.
const opArb: fc.Arbitrary<IndexOp> = fc.record({
  kind: fc.constantFrom<OpKind>('put', 'put', 'move', 'delete', 'prune', 'purge'),
  fileId: fc.constantFrom(...FILE_IDS),
  path: fc.constantFrom(...PATHS),
  wall: fc.integer({ min: 0, max: 6 }),
  counter: fc.integer({ min: 0, max: 2 }),
  device: fc.constantFrom(...DEVICES),
  seq: fc.integer({ min: 1, max: 4 }),
  entryN: fc.integer({ min: 0, max: 3 })
}).map(r => {
  const o = op(r.kind, r.fileId, r.path, hlc(r.wall, r.counter, r.device), r.seq, r.entryN)
  if (r.kind === 'prune') o.cid = entry(r.entryN).cid
  return o
})

/** Ops, a permutation of them with some duplicated, and a second permutation. */
const scenarioArb = fc.array(opArb, { minLength: 1, maxLength: 30 }).chain(ops => fc.tuple(
  fc.constant(ops),
  fc.shuffledSubarray(ops, { minLength: ops.length, maxLength: ops.length }),
  fc.array(fc.integer({ min: 0, max: ops.length - 1 }), { maxLength: 10 }),
  fc.shuffledSubarray(ops, { minLength: ops.length, maxLength: ops.length })
))

function maxOp (ops: IndexOp[]): IndexOp | undefined {
  return ops.reduce<IndexOp | undefined>((best, o) => best === undefined || compareOps(o, best) > 0 ? o : best, undefined)
}

describe('index state (property)', () => {
  it('any order, with duplicates, gives the same state and the same file list', () => {
    fc.assert(fc.property(scenarioArb, ([ops, perm, dupIdx, perm2]) => {
      const reference = materialise(ops)
      const withDups = [...perm, ...dupIdx.map(i => ({ ...(perm2[i] as IndexOp) }))]
      const other = materialise(withDups)
      const third = materialise(perm2.slice().reverse())
      assert.deepEqual(stateToJson(other), stateToJson(reference))
      assert.deepEqual(stateToJson(third), stateToJson(reference))
      // Versions and the Trash are read from the same state, so they agree too.
      for (const state of [other, third]) {
        assert.deepEqual(trashOf(state), trashOf(reference))
        assert.deepEqual([...retainedCids(state)].sort(), [...retainedCids(reference)].sort())
        for (const id of FILE_IDS) assert.deepEqual(versionsOf(state, id), versionsOf(reference, id))
      }
      assert.deepEqual(listFiles(other), listFiles(reference))
      assert.deepEqual(listFiles(third), listFiles(reference))
    }), { numRuns: 400 })
  })

  it('the file list follows last-writer-wins, keeps every live file once, and shows valid unique paths', () => {
    fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 30 }), ops => {
      const files = listFiles(materialise(ops))
      const live = new Map<string, { content: IndexOp, placement: IndexOp }>()
      for (const fileId of FILE_IDS) {
        const mine = ops.filter(o => o.fileId === fileId)
        const content = maxOp(mine.filter(o => o.kind === 'put' || o.kind === 'delete'))
        const placement = maxOp(mine.filter(o => o.kind === 'put' || o.kind === 'move'))
        if (content?.kind === 'put' && placement !== undefined) live.set(fileId, { content, placement })
      }
      assert.deepEqual(files.map(f => f.fileId).sort(), [...live.keys()].sort())
      assert.equal(new Set(files.map(f => f.path)).size, files.length)
      for (const f of files) {
        const expected = live.get(f.fileId)
        assert.ok(expected !== undefined)
        assert.deepEqual(f.entry, expected.content.entry)
        assert.equal(f.storedPath, expected.placement.path)
        validatePath(f.path)
        // The earliest placement at a stored path keeps it; others are renamed.
        const rivals = [...live.values()].filter(v => v.placement.path === f.storedPath)
        const first = rivals.reduce((a, b) => compareOps(a.placement, b.placement) <= 0 ? a : b)
        assert.equal(f.conflict, first.placement !== expected.placement)
        if (f.conflict) {
          const names = [1, 2, 3, 4, 5].map(n => conflictName(f.storedPath, expected.placement.device, expected.placement.hlc.wall, n))
          assert.ok(names.includes(f.path), f.path)
        }
      }
    }), { numRuns: 400 })
  })

  it('two devices putting one path concurrently: both kept, the later renamed, in either order', () => {
    const side = fc.record({ wall: fc.integer({ min: 0, max: 4e12 }), counter: fc.integer({ min: 0, max: 5 }) })
    fc.assert(fc.property(side, side, fc.constantFrom(...PATHS.slice(0, 3)), (a, b, path) => {
      const opA = op('put', 'fa', path, hlc(a.wall, a.counter, 'devA'), 1, 1)
      const opB = op('put', 'fb', path, hlc(b.wall, b.counter, 'devB'), 1, 2)
      const [winner, loser] = compareOps(opA, opB) < 0 ? [opA, opB] : [opB, opA]
      const expected = [
        { fileId: winner.fileId, path },
        { fileId: loser.fileId, path: conflictName(path, loser.device, loser.hlc.wall) }
      ].sort((x, y) => x.path < y.path ? -1 : 1)
      for (const order of [[opA, opB], [opB, opA]]) {
        const files = listFiles(materialise(order))
        assert.deepEqual(files.map(f => ({ fileId: f.fileId, path: f.path })), expected)
      }
    }), { numRuns: 200 })
  })
})
