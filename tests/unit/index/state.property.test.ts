import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { conflictName } from '../../../core/index/conflict-name.ts'
import { concurrentEdits } from '../../../core/index/conflicts.ts'
import { encodeHlc } from '../../../core/index/hlc.ts'
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
  entryN: fc.integer({ min: 0, max: 3 }),
  // Prunes and purges name an op by its timestamp, drawn from the same small
  // space, so they often name a put or a delete that is there (or not yet).
  target: fc.record({ wall: fc.integer({ min: 0, max: 6 }), counter: fc.integer({ min: 0, max: 2 }), device: fc.constantFrom(...DEVICES) })
}).map(r => {
  const o = op(r.kind, r.fileId, r.path, hlc(r.wall, r.counter, r.device), r.seq, r.entryN)
  if (r.kind === 'prune' || r.kind === 'purge') o.target = hlc(r.target.wall, r.target.counter, r.target.device)
  return o
})

// Puts and deletes that name a put before them (format v3: edits, and deletes
// of what their device saw), drawn from the same small space, so they often
// name a put that is there, and edit chains, concurrent edits and deletes
// that did not see them come up.
const namingOpArb: fc.Arbitrary<IndexOp> = fc.tuple(opArb, fc.boolean()).map(([o, names]) => {
  if (!names || (o.kind !== 'put' && o.kind !== 'delete')) return o
  const target = hlc(Math.max(0, o.hlc.wall - 1 - (o.seq % 3)), o.seq % 2, DEVICES[o.seq % DEVICES.length] as string)
  return { ...o, target }
})

/** Ops, a permutation of them with some duplicated, and a second permutation. */
const scenarioOf = (arb: fc.Arbitrary<IndexOp>): fc.Arbitrary<[IndexOp[], IndexOp[], number[], IndexOp[]]> => fc.array(arb, { minLength: 1, maxLength: 30 }).chain(ops => fc.tuple(
  fc.constant(ops),
  fc.shuffledSubarray(ops, { minLength: ops.length, maxLength: ops.length }),
  fc.array(fc.integer({ min: 0, max: ops.length - 1 }), { maxLength: 10 }),
  fc.shuffledSubarray(ops, { minLength: ops.length, maxLength: ops.length })
))
const scenarioArb = scenarioOf(opArb)

function maxOp (ops: IndexOp[]): IndexOp | undefined {
  return ops.reduce<IndexOp | undefined>((best, o) => best === undefined || compareOps(o, best) > 0 ? o : best, undefined)
}

function sameInAnyOrder ([ops, perm, dupIdx, perm2]: [IndexOp[], IndexOp[], number[], IndexOp[]]): void {
  const reference = materialise(ops)
  const withDups = [...perm, ...dupIdx.map(i => ({ ...(perm2[i] as IndexOp) }))]
  const other = materialise(withDups)
  const third = materialise(perm2.slice().reverse())
  assert.deepEqual(stateToJson(other), stateToJson(reference))
  assert.deepEqual(stateToJson(third), stateToJson(reference))
  // Versions, the Trash and concurrent edits are read from the same state, so they agree too.
  for (const state of [other, third]) {
    assert.deepEqual(trashOf(state), trashOf(reference))
    assert.deepEqual([...retainedCids(state)].sort(), [...retainedCids(reference)].sort())
    for (const id of FILE_IDS) {
      assert.deepEqual(versionsOf(state, id), versionsOf(reference, id))
      assert.deepEqual(concurrentEdits(state, id), concurrentEdits(reference, id))
    }
  }
  assert.deepEqual(listFiles(other), listFiles(reference))
  assert.deepEqual(listFiles(third), listFiles(reference))
}

describe('index state (property)', () => {
  it('any order, with duplicates, gives the same state and the same file list', () => {
    fc.assert(fc.property(scenarioArb, sameInAnyOrder), { numRuns: 400 })
  })

  it('with edits and deletes that name puts (v3), any order still gives the same state, and no delete ends an open edit it does not name', () => {
    fc.assert(fc.property(scenarioOf(namingOpArb), scenario => {
      sameInAnyOrder(scenario)
      const ops = scenario[0]
      const state = materialise(ops)
      for (const id of FILE_IDS) {
        const mine = ops.filter(o => o.fileId === id)
        const named = new Set(mine.filter(o => o.kind === 'put' || o.kind === 'delete' || o.kind === 'prune').flatMap(o => o.target === undefined ? [] : [encodeHlc(o.target)]))
        // An open edit (a put naming a put, itself named by nothing) that no
        // plain delete came after: no delete ends it, so the file is live with it or a later put.
        const open = mine.filter(o => o.kind === 'put' && o.target !== undefined && !named.has(encodeHlc(o.hlc)) &&
          !mine.some(d => d.kind === 'delete' && d.target === undefined && compareOps(d, o) > 0))
        if (open.length === 0) continue
        const content = state.files.get(id)?.content
        assert.equal(content?.kind, 'put', `${id}: an open edit was ended`)
        assert.ok(open.every(o => compareOps(content as IndexOp, o) >= 0))
      }
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

  // Two devices that both saw a file's history act on it at once: one ends
  // part of it (a tidy, "Empty Trash"), the other brings it back. The ending
  // names the op it ends, so whatever the clocks and the order of arrival,
  // what the other device brought back stays.
  const gaps = fc.record({ restore: fc.integer({ min: 0, max: 5 }), after: fc.integer({ min: 1, max: 5 }), end: fc.integer({ min: 0, max: 12 }) })
  const W = 1_000

  it('a prune forgets only the put it names: a version restored concurrently stays a version after the next replacement', () => {
    fc.assert(fc.property(gaps, fc.boolean(), (g, counterTie) => {
      const first = op('put', 'f1', 'a.txt', hlc(W, 0, 'devA'), 1, 1)
      const second = op('put', 'f1', 'a.txt', hlc(W + 1, 0, 'devA'), 2, 2)
      // devB restores the first content, then saves a third.
      const restore = op('put', 'f1', 'a.txt', hlc(W + 1 + g.restore, counterTie ? 1 : 0, 'devB'), 1, 1)
      const third = op('put', 'f1', 'a.txt', hlc(W + 1 + g.restore + g.after, 0, 'devB'), 2, 3)
      // devA prunes the first version, at any time after what it saw.
      const prune = { ...op('prune', 'f1', 'a.txt', hlc(W + 2 + g.end, 0, 'devA'), 3), target: first.hlc }
      // Alone, the prune forgets that version.
      assert.deepEqual(versionsOf(materialise([first, second, prune]), 'f1').map(v => v.entry.cid), [])
      fc.assert(fc.property(fc.shuffledSubarray([first, second, restore, third, prune], { minLength: 5, maxLength: 5 }), ops => {
        const state = materialise(ops)
        const versions = versionsOf(state, 'f1')
        // The restored content is a version, named by the restore, not by the pruned put.
        assert.deepEqual(versions.map(v => [v.entry.cid, v.versionId]), [[entry(1).cid, encodeHlc(restore.hlc)], [entry(2).cid, encodeHlc(second.hlc)]])
        assert.deepEqual(versions[0]?.puts, [restore.hlc])
        assert.ok(retainedCids(state).has(entry(1).cid))
      }), { numRuns: 10 })
    }), { numRuns: 100 })
  })

  it('a purge empties only the Trash item of the delete it names: a file restored (and deleted again) concurrently stays', () => {
    fc.assert(fc.property(gaps, fc.boolean(), (g, deleteAgain) => {
      const older = op('put', 'f1', 'a.txt', hlc(W - 1, 0, 'devA'), 1, 0)
      const put = op('put', 'f1', 'a.txt', hlc(W, 0, 'devA'), 2, 1)
      const del = op('delete', 'f1', 'a.txt', hlc(W + 1, 0, 'devA'), 3)
      // devB restores it from the Trash, and maybe deletes it again.
      const restore = op('put', 'f1', 'a.txt', hlc(W + 1 + g.restore, 1, 'devB'), 1, 1)
      const again = op('delete', 'f1', 'a.txt', hlc(W + 1 + g.restore + g.after, 0, 'devB'), 2)
      // devA empties the Trash item it saw, at any time after.
      const purge = { ...op('purge', 'f1', 'a.txt', hlc(W + 2 + g.end, 0, 'devA'), 4), target: del.hlc }
      // Alone, the purge empties it, with its versions.
      const alone = materialise([older, put, del, purge])
      assert.deepEqual([trashOf(alone), [...retainedCids(alone)]], [[], []])
      const all = deleteAgain ? [older, put, del, restore, again, purge] : [older, put, del, restore, purge]
      fc.assert(fc.property(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), ops => {
        const state = materialise(ops)
        if (deleteAgain) {
          assert.deepEqual(trashOf(state).map(t => [t.fileId, t.entry.cid, t.deleted]), [['f1', entry(1).cid, again.hlc]])
          assert.deepEqual(listFiles(state), [])
        } else {
          assert.deepEqual(trashOf(state), [])
          assert.deepEqual(listFiles(state).map(f => [f.fileId, f.entry.cid]), [['f1', entry(1).cid]])
        }
        // What came before the purged delete (the older version) is emptied with it.
        assert.deepEqual(versionsOf(state, 'f1'), [])
        assert.deepEqual([...retainedCids(state)], [entry(1).cid])
      }), { numRuns: 10 })
    }), { numRuns: 100 })
  })
})
