import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { applyOp, createState, findByPath, findByTag, getFile, listFiles, materialise } from '../../../core/index/state.ts'
import { entry, hlc, op } from './fixtures.ts'

const DAY = Date.UTC(2024, 0, 2)

describe('index state', () => {
  it('last writer wins per file by HLC', () => {
    const state = materialise([
      op('put', 'f1', 'a.txt', hlc(DAY + 2, 0, 'devA'), 2, 2),
      op('put', 'f1', 'a.txt', hlc(DAY + 1, 0, 'devB'), 1, 1)
    ])
    assert.deepEqual(getFile(state, 'f1')?.entry, entry(2))
    assert.equal(getFile(state, 'f1')?.updated.device, 'devA')
  })

  it('delete is a tombstone: an older put does not resurrect, a newer put does', () => {
    const state = materialise([
      op('put', 'f1', 'a.txt', hlc(DAY, 0, 'devA')),
      op('delete', 'f1', 'a.txt', hlc(DAY + 10, 0, 'devA'), 2)
    ])
    assert.equal(getFile(state, 'f1'), undefined)
    applyOp(state, op('put', 'f1', 'a.txt', hlc(DAY + 5, 0, 'devB'), 1, 1))
    assert.equal(getFile(state, 'f1'), undefined)
    // Older than everything known about the file: it only joins the file's history.
    applyOp(state, op('put', 'f1', 'z.txt', hlc(DAY - 1, 0, 'devB'), 1, 1))
    assert.deepEqual(listFiles(state), [])
    applyOp(state, op('put', 'f1', 'b.txt', hlc(DAY + 11, 0, 'devB'), 2, 3))
    assert.equal(getFile(state, 'f1')?.path, 'b.txt')
    assert.deepEqual(getFile(state, 'f1')?.entry, entry(3))
  })

  it('move changes the path and keeps the entry; a move never resurrects', () => {
    const state = materialise([
      op('put', 'f1', 'a.txt', hlc(DAY, 0, 'devA'), 1, 1),
      op('move', 'f1', 'docs/b.txt', hlc(DAY + 1, 0, 'devA'), 2)
    ])
    assert.equal(getFile(state, 'f1')?.path, 'docs/b.txt')
    assert.deepEqual(getFile(state, 'f1')?.entry, entry(1))
    applyOp(state, op('delete', 'f1', 'docs/b.txt', hlc(DAY + 2, 0, 'devA'), 3))
    applyOp(state, op('move', 'f1', 'c.txt', hlc(DAY + 3, 0, 'devB'), 1))
    assert.equal(getFile(state, 'f1'), undefined)
  })

  it('a move that arrives before its put still applies', () => {
    const state = materialise([
      op('move', 'f1', 'moved.txt', hlc(DAY + 1, 0, 'devB')),
      op('put', 'f1', 'a.txt', hlc(DAY, 0, 'devA'))
    ])
    assert.equal(getFile(state, 'f1')?.path, 'moved.txt')
  })

  it('applying an op twice changes nothing the second time', () => {
    const state = createState()
    const o = op('put', 'f1', 'a.txt', hlc(DAY, 0, 'devA'))
    assert.equal(applyOp(state, o), true)
    const before = listFiles(state)
    assert.equal(applyOp(state, { ...o }), false)
    assert.deepEqual(listFiles(state), before)
  })

  it('two files at one path: both kept, the later one renamed', () => {
    const first = op('put', 'f1', 'notes/todo.txt', hlc(DAY + 100, 0, 'devA'), 1, 1)
    const second = op('put', 'f2', 'notes/todo.txt', hlc(DAY + 200, 0, 'laptop'), 1, 2)
    for (const order of [[first, second], [second, first]]) {
      const files = listFiles(materialise(order))
      // Sorted by display path: ' ' sorts before '.'.
      assert.deepEqual(files.map(f => [f.fileId, f.path, f.conflict, f.storedPath]), [
        ['f2', 'notes/todo (conflict, laptop, 2024-01-02).txt', true, 'notes/todo.txt'],
        ['f1', 'notes/todo.txt', false, 'notes/todo.txt']
      ])
    }
  })

  it('a conflict name already in use gets a number, the same way everywhere', () => {
    const ops = [
      op('put', 'f1', 'a.txt', hlc(DAY, 0, 'devA')),
      op('put', 'f2', 'a.txt', hlc(DAY + 1, 0, 'devB')),
      op('put', 'f3', 'a.txt', hlc(DAY + 2, 0, 'devB')),
      op('put', 'f4', 'a (conflict, devB, 2024-01-02).txt', hlc(DAY + 3, 0, 'devC'))
    ]
    const files = listFiles(materialise(ops))
    assert.deepEqual(files.map(f => [f.fileId, f.path]), [
      ['f4', 'a (conflict, devB, 2024-01-02).txt'],
      ['f2', 'a (conflict, devB, 2024-01-02, 2).txt'],
      ['f3', 'a (conflict, devB, 2024-01-02, 3).txt'],
      ['f1', 'a.txt']
    ])
    assert.deepEqual(listFiles(materialise(ops.slice().reverse())), files)
  })

  it('uses the device label function for conflict names', () => {
    const state = materialise([
      op('put', 'f1', 'a.txt', hlc(DAY, 0, '12D3KooWAAAAAA')),
      op('put', 'f2', 'a.txt', hlc(DAY + 1, 0, '12D3KooWBBBBBB'))
    ])
    assert.equal(getFile(state, 'f2')?.path, 'a (conflict, BBBBBB, 2024-01-02).txt')
    assert.equal(getFile(state, 'f2', { deviceLabel: id => id === '12D3KooWBBBBBB' ? 'Phone/2' : '?' })?.path, 'a (conflict, Phone_2, 2024-01-02).txt')
  })

  it('finds live files by tag and by display path', () => {
    const state = materialise([
      op('put', 'f1', 'b.txt', hlc(DAY, 0, 'devA'), 1, 1),
      op('put', 'f2', 'a.txt', hlc(DAY + 1, 0, 'devA'), 2, 1),
      op('put', 'f3', 'c.txt', hlc(DAY + 2, 0, 'devA'), 3, 2),
      op('delete', 'f3', 'c.txt', hlc(DAY + 3, 0, 'devA'), 4)
    ])
    assert.equal(findByTag(state, entry(1).tag)?.fileId, 'f2')
    assert.equal(findByTag(state, entry(2).tag), undefined)
    assert.equal(findByPath(state, 'b.txt')?.fileId, 'f1')
    assert.equal(findByPath(state, 'c.txt'), undefined)
  })

  it('views are snapshots: callers cannot change the state through them', () => {
    const state = materialise([op('put', 'f1', 'a.txt', hlc(DAY, 0, 'devA'))])
    const files = listFiles(state)
    files.pop()
    assert.throws(() => { (getFile(state, 'f1') as { path: string }).path = 'x' })
    assert.equal(listFiles(state).length, 1)
  })

  it('an edit made on another device meanwhile does not undo a rename, whichever is later; a put back from the Trash still places the file', () => {
    const made = op('put', 'f1', 'draft.txt', hlc(DAY, 0, 'devA'), 1, 0)
    const renamed = op('move', 'f1', 'final.txt', hlc(DAY + 2000, 0, 'devA'), 2)
    for (const wall of [DAY + 1000, DAY + 3000]) {
      // devB edited draft.txt without having seen the rename: its put names the put it replaced.
      const edit = { ...op('put', 'f1', 'draft.txt', hlc(wall, 0, 'devB'), 1, 1), target: made.hlc }
      for (const order of [[made, renamed, edit], [edit, made, renamed], [made, edit, renamed]]) {
        const file = getFile(materialise(order), 'f1')
        assert.equal(file?.path, 'final.txt', `the rename holds (edit at +${wall - DAY} ms)`)
        assert.equal(file?.entry.cid, entry(1).cid, 'and the edit\'s content is the file\'s')
      }
    }
    // A device that has an edit but not yet the put that made the file (its maker removed, or not merged yet) still shows it.
    const edit = { ...op('put', 'f1', 'draft.txt', hlc(DAY + 3000, 0, 'devB'), 1, 1), target: made.hlc }
    assert.deepEqual(listFiles(materialise([edit])).map(f => f.path), ['draft.txt'])
    assert.deepEqual(listFiles(materialise([edit, renamed])).map(f => f.path), ['final.txt'], 'until a placing op is known')
    const gone = op('delete', 'f1', 'final.txt', hlc(DAY + 4000, 0, 'devA'), 3)
    const back = op('put', 'f1', 'restored/final.txt', hlc(DAY + 5000, 0, 'devA'), 4, 0)
    assert.equal(getFile(materialise([made, renamed, gone, back]), 'f1')?.path, 'restored/final.txt')
  })
})
