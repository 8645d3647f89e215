import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { concurrentEdits } from '../../../core/index/conflicts.ts'
import { encodeHlc } from '../../../core/index/hlc.ts'
import type { IndexOp } from '../../../core/index/ops.ts'
import { entry } from '../index/fixtures.ts'
import { DAY, pull, replica, shown, T0, type Replica } from './support.ts'

const FILE_IDS = ['f1', 'f2', 'f3']
const PATHS = ['a.txt', 'b.txt', 'c.txt']

type Step =
  | { kind: 'put' | 'move' | 'delete', at: number, fileId: string, path: string, entryN: number, advance: number }
  | { kind: 'sync', to: number, from: number, advance: number }

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constantFrom<'put' | 'move' | 'delete'>('put', 'put', 'move', 'delete'),
    at: fc.integer({ min: 0, max: 2 }),
    fileId: fc.constantFrom(...FILE_IDS),
    path: fc.constantFrom(...PATHS),
    entryN: fc.integer({ min: 0, max: 3 }),
    advance: fc.integer({ min: 0, max: 5_000 })
  }),
  // Syncs between random pairs: the replicas are in random partitions between them.
  fc.record({ kind: fc.constant<'sync'>('sync'), to: fc.integer({ min: 0, max: 2 }), from: fc.integer({ min: 0, max: 2 }), advance: fc.integer({ min: 0, max: 5_000 }) })
)

/** What each op saw when it was made: the ops its replica knew (for "no update lost"). */
interface Made { op: IndexOp, saw: Set<string> }

const opKey = (op: IndexOp): string => encodeHlc(op.hlc)

async function run (steps: Step[], order: number[][]): Promise<void> {
  // devC's clock runs a day ahead of the others.
  const replicas: Replica[] = [await replica('devA'), await replica('devB'), await replica('devC', { start: T0 + DAY })]
  const known: Array<Set<string>> = replicas.map(() => new Set())
  const made: Made[] = []
  for (const step of steps) {
    for (const r of replicas) r.clock.t += step.advance
    if (step.kind === 'sync') {
      if (step.to === step.from) continue
      await pull(replicas[step.to] as Replica, replicas[step.from] as Replica)
      for (const k of known[step.from] as Set<string>) (known[step.to] as Set<string>).add(k)
      continue
    }
    const r = replicas[step.at] as Replica
    const saw = new Set(known[step.at])
    const live = r.log.getFile(step.fileId)
    // Puts and moves go in as ops (no refusal of a taken path: that makes conflicts);
    // puts and deletes name the put they replace or remove, as the app's do,
    // and an edit saved under another name moves the file there first (IndexLog.put).
    const ops = step.kind === 'put'
      ? await r.log.append([
        ...(live !== undefined && live.storedPath !== step.path ? [{ kind: 'move' as const, fileId: step.fileId, path: step.path }] : []),
        { kind: 'put', fileId: step.fileId, path: step.path, entry: entry(step.entryN), ...(live === undefined ? {} : { target: { ...live.updated } }) }
      ])
      : step.kind === 'move' && r.log.state.files.has(step.fileId)
        ? await r.log.append([{ kind: 'move', fileId: step.fileId, path: step.path }])
        : step.kind === 'delete' && live !== undefined
          ? await r.log.append([{ kind: 'delete', fileId: step.fileId, path: live.storedPath, target: { ...live.updated } }])
          : []
    for (const op of ops) {
      made.push({ op, saw })
      ;(known[step.at] as Set<string>).add(opKey(op))
    }
  }
  // Then every pair meets, in the drawn order, until all have everything.
  for (let round = 0; round < 2; round++) {
    for (const [to, from] of order) if (to !== from) await pull(replicas[to as number] as Replica, replicas[from as number] as Replica)
  }
  const [a, b, c] = replicas.map(r => shown(r.log))
  assert.deepEqual(b, a)
  assert.deepEqual(c, a)
  const edits = replicas.map(r => JSON.stringify(FILE_IDS.map(id => concurrentEdits(r.log.state, id))))
  assert.deepEqual([edits[1], edits[2]], [edits[0], edits[0]])
  // No update lost: what each file ends with (content and placement) is no op
  // that another op of the same register was made after seeing, however far
  // ahead devC's clock ran.
  const state = (replicas[0] as Replica).log.state
  // (An edit, a put naming the put it replaced, is a content op only: it does not place the file.)
  const content = (op: IndexOp): boolean => op.kind === 'put' || op.kind === 'delete'
  const places = (op: IndexOp): boolean => op.kind === 'move' || (op.kind === 'put' && op.target === undefined)
  for (const [fileId, record] of state.files) {
    for (const [winner, counts] of [[record.content, content], [record.placement, places]] as const) {
      if (winner === undefined) continue
      const later = made.find(m => m.op.fileId === fileId && counts(m.op) && m.saw.has(opKey(winner)))
      assert.equal(later, undefined, `${fileId}: ${winner.kind} by ${winner.device} won over a later ${later?.op.kind ?? ''} by ${later?.op.device ?? ''}`)
    }
  }
  for (const r of replicas) await r.log.stop()
}

describe('three replicas merged in random orders across random partitions', () => {
  it('end identical (conflict names included), and a replica a day ahead loses no update of the others', async () => {
    const pairs = [[0, 1], [1, 0], [0, 2], [2, 0], [1, 2], [2, 1]]
    await fc.assert(fc.asyncProperty(
      fc.array(stepArb, { minLength: 1, maxLength: 40 }),
      fc.shuffledSubarray(pairs, { minLength: pairs.length, maxLength: pairs.length }),
      run
    ), { numRuns: 200 })
  })

  it('an edit made after seeing a day-ahead edit wins over it', async () => {
    const a = await replica('devA')
    const c = await replica('devC', { start: T0 + DAY })
    const [put] = await c.log.append([{ kind: 'put', fileId: 'f1', path: 'a.txt', entry: entry(1) }])
    await pull(a, c)
    a.clock.t += 60_000
    await a.log.put(entry(2), 'a.txt', 'f1')
    await pull(c, a)
    for (const r of [a, c]) assert.equal(r.log.getFile('f1')?.entry.cid, entry(2).cid)
    assert.ok((a.log.getFile('f1')?.updated.wall as number) >= (put as IndexOp).hlc.wall)
  })
})

describe('an edit beats a concurrent delete', () => {
  it('whichever clock is later and whichever arrives first, on every device', async () => {
    for (const deleteLater of [true, false]) {
      const a = await replica('devA')
      const b = await replica('devB')
      const file = await a.log.put(entry(1), 'notes.txt')
      await pull(b, a)
      // Apart: A edits, B deletes (its clock later, or earlier, than A's edit).
      a.clock.t += deleteLater ? 1_000 : 5_000
      b.clock.t += deleteLater ? 5_000 : 1_000
      await a.log.put(entry(2), 'notes.txt', file.fileId)
      await b.log.remove(file.fileId)
      await pull(a, b)
      await pull(b, a)
      for (const r of [a, b]) {
        assert.equal(r.log.getFile(file.fileId)?.entry.cid, entry(2).cid, `deleteLater=${String(deleteLater)}`)
        assert.deepEqual(r.log.history.trash(), [])
      }
      // A delete that saw the edit does delete it.
      await b.log.remove(file.fileId)
      await pull(a, b)
      assert.equal(a.log.getFile(file.fileId), undefined)
      assert.deepEqual(a.log.history.trash().map(t => t.entry.cid), [entry(2).cid])
    }
  })
})

describe('two devices that change the same file while apart', () => {
  it('both versions are kept on every device, the same edit listed as concurrent everywhere, until one is pruned', async () => {
    const a = await replica('devA')
    const b = await replica('devB')
    const file = await a.log.put(entry(1), 'notes.txt')
    await pull(b, a)
    a.clock.t += 1_000
    b.clock.t += 2_000
    await a.log.put(entry(2), 'notes.txt', file.fileId)
    await b.log.put(entry(3), 'notes.txt', file.fileId)
    await pull(a, b)
    await pull(b, a)
    for (const r of [a, b]) {
      // The later edit (B's) is the file; A's is kept as a concurrent edit.
      assert.equal(r.log.getFile(file.fileId)?.entry.cid, entry(3).cid)
      assert.deepEqual(concurrentEdits(r.log.state, file.fileId).map(e => [e.entry.cid, e.made.device]), [[entry(2).cid, 'devA']])
      // Shown beside it, renamed, with its own content.
      assert.deepEqual(r.log.listFiles().map(f => [f.path, f.entry.cid, f.fileId === file.fileId, f.versionId !== undefined]), [
        ['notes (conflict, devA, 2026-01-05).txt', entry(2).cid, true, true],
        ['notes.txt', entry(3).cid, true, false]
      ])
    }
    // An edit made after seeing both does not end the conflict by itself…
    a.clock.t += 1_000
    await a.log.put(entry(0), 'notes.txt', file.fileId)
    await pull(b, a)
    assert.deepEqual(concurrentEdits(b.log.state, file.fileId).map(e => e.entry.cid), [entry(2).cid])
    // …resolving it does ("keep this one": the other edit is pruned).
    const [edit] = concurrentEdits(a.log.state, file.fileId)
    await a.log.append([{ kind: 'prune', fileId: file.fileId, path: 'notes.txt', target: (edit as { made: IndexOp['hlc'] }).made }])
    await pull(b, a)
    for (const r of [a, b]) {
      assert.deepEqual(concurrentEdits(r.log.state, file.fileId), [])
      assert.deepEqual(r.log.listFiles().map(f => f.path), ['notes.txt'])
    }
    // Edits made one after the other, and a file restored from the Trash, have none.
    await b.log.put(entry(1), 'notes.txt', file.fileId)
    await b.log.remove(file.fileId)
    await b.log.history.restoreFromTrash(file.fileId)
    assert.equal(b.log.getFile(file.fileId)?.entry.cid, entry(1).cid)
    assert.deepEqual(concurrentEdits(b.log.state, file.fileId), [])
  })
})
