import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { Key } from 'interface-datastore'
import { isCairnError, type ErrorCode } from '../../../core/errors.ts'
import { IndexLog, type IndexLogInit } from '../../../core/index/index-log.ts'
import { compareHlc } from '../../../core/index/hlc.ts'
import { entry, key, manualClock } from './fixtures.ts'

const T0 = Date.UTC(2024, 2, 3, 12)

function stores (): { blockstore: MemoryBlockstore, datastore: MemoryDatastore } {
  return { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }
}

async function open (components: { blockstore: MemoryBlockstore, datastore: MemoryDatastore }, init: Partial<IndexLogInit> = {}): Promise<IndexLog> {
  const log = new IndexLog(components, { indexKey: key(9), deviceId: 'devA', now: () => T0, ...init })
  await log.start()
  return log
}

async function refuses (promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, err => isCairnError(err, code))
}

function countBlocks (blockstore: MemoryBlockstore): number {
  return [...(blockstore.getAll() as Generator<unknown>)].length
}

describe('IndexLog', () => {
  it('starts empty, then puts, moves and removes files', async () => {
    const log = await open(stores())
    assert.deepEqual(log.listFiles(), [])
    assert.equal(log.heads().size, 0)
    const a = await log.put(entry(1), 'a.txt')
    assert.equal(a.path, 'a.txt')
    assert.deepEqual(a.entry, entry(1))
    const b = await log.put(entry(2), 'docs/b.txt')
    const moved = await log.move(a.fileId, 'docs/a.txt')
    assert.equal(moved.path, 'docs/a.txt')
    assert.deepEqual(moved.entry, entry(1))
    const removed = await log.remove(b.fileId)
    assert.equal(removed.path, 'docs/b.txt')
    assert.deepEqual(log.listFiles().map(f => f.path), ['docs/a.txt'])
    assert.equal(log.heads().get('devA')?.seq, 4)
  })

  it('survives a restart: same files, same heads, and the seq and clock go on', async () => {
    const s = stores()
    const clock = manualClock(T0)
    const log = await open(s, { now: clock.now })
    const a = await log.put(entry(1), 'a.txt')
    const b = await log.put(entry(2), 'b.txt')
    await log.move(a.fileId, 'renamed.txt')
    const [lastOp] = await log.append([{ kind: 'delete', fileId: b.fileId, path: 'b.txt' }])
    const files = log.listFiles()
    const heads = log.heads()
    await log.stop()

    clock.set(T0 - 60_000) // the wall clock went back: timestamps must still go forward
    const again = await open(s, { now: clock.now })
    assert.deepEqual(again.listFiles(), files)
    assert.deepEqual(again.heads(), heads)
    const updated = await again.put(entry(3), 'renamed.txt', a.fileId)
    assert.equal(again.heads().get('devA')?.seq, 5)
    assert.equal(compareHlc(lastOp!.hlc, updated.updated), -1)
    assert.deepEqual(updated.entry, entry(3))

    const third = await open(s)
    assert.deepEqual(third.listFiles().map(f => [f.path, f.entry.cid]), [['renamed.txt', entry(3).cid]])
  })

  it('writes one block per append batch', async () => {
    const s = stores()
    const log = await open(s)
    const ops = await log.append([
      { kind: 'put', fileId: 'x1', path: 'one.txt', entry: entry(1) },
      { kind: 'put', fileId: 'x2', path: 'two.txt', entry: entry(2) },
      { kind: 'move', fileId: 'x1', path: 'uno.txt' }
    ])
    assert.deepEqual(ops.map(o => o.seq), [1, 2, 3])
    assert.ok(compareHlc(ops[0]!.hlc, ops[1]!.hlc) < 0 && compareHlc(ops[1]!.hlc, ops[2]!.hlc) < 0)
    assert.equal(countBlocks(s.blockstore), 1)
    assert.deepEqual(log.listFiles().map(f => f.path), ['two.txt', 'uno.txt'])
    assert.deepEqual(await log.append([]), [])
    assert.equal(countBlocks(s.blockstore), 1)
  })

  it('refuses names that are taken, folders in the way, and bad paths', async () => {
    const log = await open(stores())
    const a = await log.put(entry(1), 'a.txt')
    const b = await log.put(entry(2), 'dir/b.txt')
    await refuses(log.put(entry(3), 'a.txt'), 'PATH_EXISTS')
    await refuses(log.put(entry(3), 'dir'), 'PATH_EXISTS')
    await refuses(log.put(entry(3), 'a.txt/c.txt'), 'PATH_EXISTS')
    await refuses(log.move(a.fileId, 'dir/b.txt'), 'PATH_EXISTS')
    for (const bad of ['/abs.txt', 'a//b', 'nul\u0000.txt', '']) {
      await refuses(log.put(entry(3), bad), 'PATH_INVALID')
      await refuses(log.move(b.fileId, bad), 'PATH_INVALID')
    }
    for (const bad of ['../a.txt', 'x/../a.txt', '..']) {
      await refuses(log.put(entry(3), bad), 'PATH_DOT_NAME')
      await refuses(log.move(b.fileId, bad), 'PATH_DOT_NAME')
    }
    await refuses(log.append([{ kind: 'put', fileId: 'z', path: 'ok/../no', entry: entry(1) }]), 'PATH_DOT_NAME')
    // Replacing a file's own content at its own path is fine.
    const replaced = await log.put(entry(4), 'a.txt', a.fileId)
    assert.equal(replaced.fileId, a.fileId)
    assert.equal(log.heads().get('devA')?.seq, 3)
  })

  it('reports unknown and deleted files', async () => {
    const log = await open(stores())
    const a = await log.put(entry(1), 'a.txt')
    await refuses(log.move('nope', 'b.txt'), 'FILE_NOT_FOUND')
    await refuses(log.remove('nope'), 'FILE_NOT_FOUND')
    await refuses(log.put(entry(1), 'b.txt', 'nope'), 'FILE_NOT_FOUND')
    await log.remove(a.fileId)
    await refuses(log.remove(a.fileId), 'FILE_NOT_FOUND')
    await refuses(log.move(a.fileId, 'c.txt'), 'FILE_NOT_FOUND')
    assert.equal(log.getFile(a.fileId), undefined)
    // A deleted file comes back with a newer put of its id.
    const back = await log.put(entry(2), 'a.txt', a.fileId)
    assert.equal(back.fileId, a.fileId)
  })

  it('moving a file onto its own name writes nothing', async () => {
    const s = stores()
    const log = await open(s)
    const a = await log.put(entry(1), 'a.txt')
    assert.deepEqual(await log.move(a.fileId, 'a.txt'), a)
    assert.equal(log.heads().get('devA')?.seq, 1)
    assert.equal(countBlocks(s.blockstore), 1)
  })

  it('finds files by tag and by path (NFC)', async () => {
    const log = await open(stores())
    const a = await log.put(entry(1), 'Zu\u0308rich.txt')
    assert.equal(a.path, 'Z\u00fcrich.txt')
    assert.equal(log.findByPath('Zu\u0308rich.txt')?.fileId, a.fileId)
    assert.equal(log.findByTag(entry(1).tag)?.fileId, a.fileId)
    assert.equal(log.findByTag(entry(2).tag), undefined)
  })

  it('serialises concurrent local actions: one name, one winner', async () => {
    const log = await open(stores())
    const results = await Promise.allSettled([log.put(entry(1), 'same.txt'), log.put(entry(2), 'same.txt')])
    assert.deepEqual(results.map(r => r.status).sort(), ['fulfilled', 'rejected'])
    const rejected = results.find(r => r.status === 'rejected')
    assert.ok(isCairnError(rejected?.reason, 'PATH_EXISTS'))
    assert.equal(log.listFiles().length, 1)
  })

  it('stop wipes the key it was given and closes the log', async () => {
    const indexKey = key(9)
    const log = await open(stores(), { indexKey })
    await log.put(entry(1), 'a.txt')
    await log.stop()
    assert.deepEqual(indexKey, new Uint8Array(32))
    assert.throws(() => log.listFiles(), err => isCairnError(err, 'VAULT_LOCKED'))
    await refuses(log.put(entry(1), 'b.txt'), 'VAULT_LOCKED')
    await refuses(log.start(), 'INTERNAL')
  })

  it('is not usable before start', async () => {
    const log = new IndexLog(stores(), { indexKey: key(9), deviceId: 'devA' })
    assert.throws(() => log.heads(), err => isCairnError(err, 'VAULT_LOCKED'))
    assert.throws(() => new IndexLog(stores(), { indexKey: key(9), deviceId: 'dev/A' }), err => isCairnError(err, 'FORMAT_INVALID'))
  })
})

describe('index log block list', () => {
  it('lists every op block of the chain, after appends and after a restart', async () => {
    const components = { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }
    const log = new IndexLog(components, { indexKey: key(7), deviceId: '12D3KooWBlockList' })
    await log.start()
    await log.put(entry(1), 'one.txt')
    await log.put(entry(2), 'two.txt')
    const listed = log.blockCids()
    assert.equal(listed.length, 2)
    let stored = 0
    for await (const pair of components.blockstore.getAll()) { void pair; stored++ }
    assert.equal(stored, 2)
    await log.stop()
    const again = new IndexLog(components, { indexKey: key(7), deviceId: '12D3KooWBlockList' })
    await again.start()
    assert.deepEqual([...again.blockCids()].sort(), [...listed].sort())
  })
})

describe('index log: two devices ending and restoring history at once', () => {
  // Both devices share one blockstore (as sync would fill it); each has its own heads.
  async function copyHead (from: MemoryDatastore, to: MemoryDatastore, device: string): Promise<void> {
    const k = new Key(`/cairn/index/heads/${device}`)
    await to.put(k, await from.get(k))
  }

  it('a version pruned on one device while another restores it is kept once both logs merge', async () => {
    const blockstore = new MemoryBlockstore()
    const dsA = new MemoryDatastore()
    const dsB = new MemoryDatastore()
    const clockA = manualClock(T0)
    const a = await open({ blockstore, datastore: dsA }, { deviceId: 'devA', now: clockA.now })
    const file = await a.put(entry(1), 'notes.txt')
    await a.put(entry(2), 'notes.txt', file.fileId)
    // devB sees both puts, restores the first content and replaces it again.
    await copyHead(dsA, dsB, 'devA')
    const b = await open({ blockstore, datastore: dsB }, { deviceId: 'devB', now: () => T0 })
    await b.history.restoreVersion(file.fileId, b.history.versions(file.fileId)[0]?.versionId as string)
    await b.put(entry(3), 'notes.txt', file.fileId)
    // Meanwhile devA, not having seen that, prunes the first version, later by the clock.
    clockA.set(T0 + 60_000)
    assert.equal(await a.history.prune(a.history.versions(file.fileId).map(v => ({ fileId: v.fileId, versionId: v.versionId }))), 1)
    assert.deepEqual(a.history.versions(file.fileId), [])
    await copyHead(dsB, dsA, 'devB')
    await a.stop()
    const merged = await open({ blockstore, datastore: dsA }, { deviceId: 'devA' })
    assert.deepEqual(merged.history.versions(file.fileId).map(v => v.entry.cid), [entry(1).cid, entry(2).cid], 'the content devB restored is still a version')
  })

  it('a Trash item emptied on one device while another restores it and deletes it again stays in the Trash', async () => {
    const blockstore = new MemoryBlockstore()
    const dsA = new MemoryDatastore()
    const dsB = new MemoryDatastore()
    const clockA = manualClock(T0)
    const a = await open({ blockstore, datastore: dsA }, { deviceId: 'devA', now: clockA.now })
    const file = await a.put(entry(1), 'old.txt')
    await a.remove(file.fileId)
    await copyHead(dsA, dsB, 'devA')
    const b = await open({ blockstore, datastore: dsB }, { deviceId: 'devB', now: () => T0 })
    await b.history.restoreFromTrash(file.fileId)
    await b.remove(file.fileId)
    // Meanwhile devA, not having seen that, empties the Trash, later by the clock.
    clockA.set(T0 + 60_000)
    assert.equal((await a.history.purge([file.fileId])).length, 1)
    await copyHead(dsB, dsA, 'devB')
    await a.stop()
    const merged = await open({ blockstore, datastore: dsA }, { deviceId: 'devA' })
    assert.deepEqual(merged.history.trash().map(t => [t.fileId, t.path, t.entry.cid]), [[file.fileId, 'old.txt', entry(1).cid]])
  })

  it('a file renamed on one device while another edits it keeps the new name and the edit, after both logs merge', async () => {
    const blockstore = new MemoryBlockstore()
    const dsA = new MemoryDatastore()
    const dsB = new MemoryDatastore()
    const clockA = manualClock(T0)
    const clockB = manualClock(T0)
    const a = await open({ blockstore, datastore: dsA }, { deviceId: 'devA', now: clockA.now })
    const file = await a.put(entry(1), 'draft.txt')
    await copyHead(dsA, dsB, 'devA')
    const b = await open({ blockstore, datastore: dsB }, { deviceId: 'devB', now: clockB.now })
    // Apart: devA renames, devB (later by the clock) saves a new version under the name it knows.
    clockA.set(T0 + 1_000)
    await a.move(file.fileId, 'final.txt')
    clockB.set(T0 + 60_000)
    await b.put(entry(2), 'draft.txt', file.fileId)
    await copyHead(dsB, dsA, 'devB')
    await a.stop()
    const merged = await open({ blockstore, datastore: dsA }, { deviceId: 'devA' })
    assert.deepEqual(merged.listFiles().map(f => [f.path, f.entry.cid]), [['final.txt', entry(2).cid]])
  })

  it('a new version saved under another name moves the file there', async () => {
    const log = await open(stores())
    const file = await log.put(entry(1), 'a.txt')
    const saved = await log.put(entry(2), 'b.txt', file.fileId)
    assert.equal(saved.path, 'b.txt')
    assert.deepEqual(log.listFiles().map(f => [f.path, f.entry.cid]), [['b.txt', entry(2).cid]])
    assert.deepEqual(log.history.versions(file.fileId).map(v => v.entry.cid), [entry(1).cid])
  })
})
