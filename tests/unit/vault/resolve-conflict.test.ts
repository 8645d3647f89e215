import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { isCairnError } from '../../../core/errors.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { resolveConflict } from '../../../core/vault/resolve-conflict.ts'
import { toFileInfo } from '../../../core/vault/vault-files.ts'
import { entry, key } from '../index/fixtures.ts'
import { pull, replica, type Replica } from '../sync/support.ts'

const T0 = Date.UTC(2024, 2, 3, 12)
const LAPTOP = '12D3KooWLaptopAAAAAA'
const PHONE = '12D3KooWPhoneBBBBBB'

type Stores = { blockstore: MemoryBlockstore, datastore: MemoryDatastore }

async function open (stores: Stores, deviceId: string, now = T0): Promise<IndexLog> {
  const log = new IndexLog(stores, { indexKey: key(9), deviceId, now: () => now })
  await log.start()
  return log
}

/**
 * Two devices, each unaware of the other, save a file at one path; their
 * chains meet in one store (as sync leaves them): the phone's later one is
 * shown under a conflict name. Returns the laptop's view of the merged log.
 */
async function conflict (): Promise<{ stores: Stores, log: IndexLog, first: string, second: string }> {
  const stores = { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }
  const laptop = await open(stores, LAPTOP, T0)
  const phone = await open(stores, PHONE, T0 + 60_000)
  const first = (await laptop.put(entry(1), 'notes/plan.txt')).fileId
  const second = (await phone.put(entry(2), 'notes/plan.txt')).fileId
  await laptop.stop()
  await phone.stop()
  const log = await open(stores, LAPTOP, T0 + 120_000)
  return { stores, log, first, second }
}

/** Display path and conflict flag of each live file, by id. */
function shown (log: IndexLog): Record<string, [string, boolean]> {
  return Object.fromEntries(log.listFiles().map(f => [f.fileId, [f.path, f.conflict]]))
}

describe('resolving a conflict', () => {
  it('the later file is shown under a conflict name, and says so in FileInfo', async () => {
    const { log, first, second } = await conflict()
    const copy = log.getFile(second)
    assert.ok(copy !== undefined)
    assert.match(copy.path, /^notes\/plan \(conflict, BBBBBB, 2024-03-03\)\.txt$/)
    assert.equal(toFileInfo(copy).conflict, true)
    assert.equal(toFileInfo(log.getFile(first) as NonNullable<ReturnType<IndexLog['getFile']>>).conflict, undefined)
    await log.stop()
  })

  it('"this": the file holding the name goes to the Trash and the copy takes the name', async () => {
    const { stores, log, first, second } = await conflict()
    await resolveConflict(log, second, 'this')
    assert.deepEqual(shown(log), { [second]: ['notes/plan.txt', false] })
    assert.deepEqual(log.history.trash().map(t => t.fileId), [first])
    await log.stop()
    // Every device reading the same ops ends the same.
    const phone = await open(stores, PHONE)
    assert.deepEqual(shown(phone), { [second]: ['notes/plan.txt', false] })
    await phone.stop()
  })

  it('"other": the conflict copy goes to the Trash', async () => {
    const { log, first, second } = await conflict()
    await resolveConflict(log, second, 'other')
    assert.deepEqual(shown(log), { [first]: ['notes/plan.txt', false] })
    assert.deepEqual(log.history.trash().map(t => t.fileId), [second])
    await log.stop()
  })

  it('"both": the copy keeps its conflict name as its own, an ordinary file', async () => {
    const { stores, log, first, second } = await conflict()
    const name = log.getFile(second)?.path as string
    await resolveConflict(log, second, 'both')
    assert.deepEqual(shown(log), { [first]: ['notes/plan.txt', false], [second]: [name, false] })
    assert.equal(log.getFile(second)?.storedPath, name)
    await log.stop()
    const phone = await open(stores, PHONE)
    assert.deepEqual(shown(phone), { [first]: ['notes/plan.txt', false], [second]: [name, false] })
    await phone.stop()
  })

  it('refuses a file that is not a conflict copy, and an unknown one', async () => {
    const { log, first } = await conflict()
    await assert.rejects(resolveConflict(log, first, 'both'), err => isCairnError(err, 'NOT_A_CONFLICT'))
    await assert.rejects(resolveConflict(log, 'f'.repeat(32), 'this'), err => isCairnError(err, 'FILE_NOT_FOUND'))
    await log.stop()
  })
})

/**
 * Two devices each put a file at one path and sync, so both see a conflict;
 * then, apart again, `b` edits `edited` ('holder' or 'copy') one hour of A's
 * clock before `a` resolves the conflict without having seen that edit.
 */
async function editWhileResolving (keep: 'this' | 'other'): Promise<{ a: Replica, edited: string }> {
  const a = await replica(LAPTOP)
  const b = await replica(PHONE)
  await a.log.put(entry(1), 'notes.txt')
  b.clock.t += 10
  await b.log.put(entry(2), 'notes.txt')
  await pull(a, b); await pull(b, a)
  const copy = a.log.listFiles().find(f => f.conflict)
  const holder = a.log.listFiles().find(f => !f.conflict)
  assert.ok(copy !== undefined && holder !== undefined)
  // The side `keep` deletes is the one B edits; A's clock is ahead, so its delete is the later op.
  const edited = keep === 'this' ? holder : copy
  b.clock.t += 60_000
  a.clock.t += 3_600_000
  await b.log.put(entry(3), edited.path, edited.fileId)
  await resolveConflict(a.log, copy.fileId, keep)
  await pull(a, b); await pull(b, a)
  return { a, edited: edited.fileId }
}

describe('resolving a conflict while another device edits the file it deletes', () => {
  for (const keep of ['this', 'other'] as const) {
    it(`"${keep}": the edit the resolving device never saw beats its delete`, async () => {
      const { a, edited } = await editWhileResolving(keep)
      assert.equal(a.log.getFile(edited)?.entry.cid, entry(3).cid, 'the edit survives, not in the Trash')
      assert.deepEqual(a.log.history.trash().map(t => t.fileId).filter(id => id === edited), [])
    })
  }
})

/**
 * Both devices know a file, then each edits it while apart (same file id):
 * the merged log shows the later edit as the file and the other beside it
 * as a concurrent edit (same id, its own versionId, a conflict name).
 */
async function concurrentEdit (): Promise<{ log: IndexLog, fileId: string, versionId: string }> {
  const stores = { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }
  const laptop = await open(stores, LAPTOP, T0)
  const fileId = (await laptop.put(entry(1), 'notes/plan.txt')).fileId
  const phone = await open(stores, PHONE, T0 + 30_000)
  await laptop.put(entry(2), 'notes/plan.txt', fileId)
  await phone.put(entry(3), 'notes/plan.txt', fileId)
  await laptop.stop()
  await phone.stop()
  const log = await open(stores, LAPTOP, T0 + 120_000)
  const copy = log.listFiles().find(f => f.versionId !== undefined)
  assert.ok(copy !== undefined, 'the concurrent edit is shown')
  assert.equal(toFileInfo(copy).versionId, copy.versionId)
  return { log, fileId, versionId: copy.versionId as string }
}

function contents (log: IndexLog): Array<[string, string]> {
  return log.listFiles().map(f => [f.path, f.entry.cid]).sort() as Array<[string, string]>
}

describe('resolving a concurrent edit (same file, two devices apart)', () => {
  it('"other": the edit is dropped and the file keeps its content', async () => {
    const { log, fileId, versionId } = await concurrentEdit()
    const current = log.getFile(fileId)?.entry.cid
    await resolveConflict(log, fileId, 'other', versionId)
    assert.deepEqual(contents(log), [['notes/plan.txt', current as string]])
    await log.stop()
  })

  it('"this": the edit becomes the file\'s content and the other stays an earlier version', async () => {
    const { log, fileId, versionId } = await concurrentEdit()
    const before = log.getFile(fileId)?.entry.cid as string
    const edit = log.listFiles().find(f => f.versionId === versionId)?.entry.cid as string
    await resolveConflict(log, fileId, 'this', versionId)
    assert.deepEqual(contents(log), [['notes/plan.txt', edit]])
    assert.ok(log.history.versions(fileId).some(v => v.entry.cid === before), 'the replaced content is an earlier version')
    await log.stop()
  })

  it('"both": the edit becomes a file of its own under its conflict name', async () => {
    const { log, fileId, versionId } = await concurrentEdit()
    const shownCopy = log.listFiles().find(f => f.versionId === versionId)
    assert.ok(shownCopy !== undefined)
    await resolveConflict(log, fileId, 'both', versionId)
    const files = log.listFiles()
    assert.equal(files.length, 2)
    assert.ok(files.every(f => f.versionId === undefined && !f.conflict))
    assert.ok(files.some(f => f.path === shownCopy.path && f.fileId !== fileId && f.entry.cid === shownCopy.entry.cid))
    await log.stop()
  })

  it('a resolved or unknown edit is refused with NOT_A_CONFLICT', async () => {
    const { log, fileId, versionId } = await concurrentEdit()
    await resolveConflict(log, fileId, 'other', versionId)
    await assert.rejects(resolveConflict(log, fileId, 'this', versionId), (err: unknown) => isCairnError(err, 'NOT_A_CONFLICT'))
    await log.stop()
  })
})
