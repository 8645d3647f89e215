import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import type { Key } from 'interface-datastore'
import type { CID } from 'multiformats/cid'
import { isCairnError, type ErrorCode } from '../../../core/errors.ts'
import { readBlock } from '../../../core/index/chain.ts'
import { IndexLog, type IndexLogInit } from '../../../core/index/index-log.ts'
import { entry, key, manualClock } from './fixtures.ts'

const T0 = Date.UTC(2024, 2, 3, 12)

/** A memory blockstore whose writes can be made to fail. */
class FlakyBlockstore extends MemoryBlockstore {
  failWith: Error | undefined
  override put (cid: CID, bytes: Uint8Array): CID | Promise<CID> {
    if (this.failWith !== undefined) throw this.failWith
    return super.put(cid, bytes)
  }
}

/** A memory datastore whose writes fail, optionally after landing. */
class FlakyDatastore extends MemoryDatastore {
  failWith: Error | undefined
  landBeforeFailing = false
  override put (k: Key, value: Uint8Array): Key {
    if (this.failWith === undefined) return super.put(k, value) as Key
    if (this.landBeforeFailing) super.put(k, value)
    throw this.failWith
  }
}

type Stores = { blockstore: FlakyBlockstore, datastore: FlakyDatastore }

function stores (): Stores {
  return { blockstore: new FlakyBlockstore(), datastore: new FlakyDatastore() }
}

async function open (s: Stores, init: Partial<IndexLogInit> = {}): Promise<IndexLog> {
  const log = new IndexLog(s, { indexKey: key(9), deviceId: 'devA', now: () => T0, ...init })
  await log.start()
  return log
}

async function refuses (promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, err => isCairnError(err, code))
}

describe('IndexLog under failure', () => {
  it('a failed block write leaves the previous head and state, in memory and on restart', async () => {
    const s = stores()
    const log = await open(s)
    const a = await log.put(entry(1), 'a.txt')
    const before = { files: log.listFiles(), heads: log.heads() }
    s.blockstore.failWith = new Error('disk on fire')
    await refuses(log.put(entry(2), 'b.txt'), 'STORAGE_FAILED')
    await refuses(log.move(a.fileId, 'c.txt'), 'STORAGE_FAILED')
    s.blockstore.failWith = Object.assign(new Error('full'), { name: 'QuotaExceededError' })
    await refuses(log.remove(a.fileId), 'QUOTA_EXCEEDED')
    assert.deepEqual(log.listFiles(), before.files)
    assert.deepEqual(log.heads(), before.heads)
    assert.deepEqual((await open(s)).listFiles(), before.files)

    // The log carries on from the old head once the store works again.
    s.blockstore.failWith = undefined
    await log.put(entry(2), 'b.txt')
    assert.equal(log.heads().get('devA')?.seq, 2)
    assert.deepEqual((await open(s)).listFiles().map(f => f.path), ['a.txt', 'b.txt'])
  })

  it('a failed head write leaves the previous state; a write that landed anyway counts', async () => {
    const s = stores()
    const log = await open(s)
    await log.put(entry(1), 'a.txt')
    s.datastore.failWith = new Error('transaction aborted')
    await refuses(log.put(entry(2), 'b.txt'), 'STORAGE_FAILED')
    assert.deepEqual(log.listFiles().map(f => f.path), ['a.txt'])
    assert.deepEqual((await open(s)).listFiles().map(f => f.path), ['a.txt'])

    s.datastore.landBeforeFailing = true
    await log.put(entry(3), 'c.txt')
    s.datastore.failWith = undefined
    assert.deepEqual(log.listFiles().map(f => f.path), ['a.txt', 'c.txt'])
    await log.put(entry(4), 'd.txt')
    assert.deepEqual((await open(s)).listFiles().map(f => f.path), ['a.txt', 'c.txt', 'd.txt'])
  })

  it('a missing block breaks the chain loudly', async () => {
    const s = stores()
    const log = await open(s)
    await log.put(entry(1), 'a.txt')
    await log.put(entry(2), 'b.txt')
    const middle = log.heads().get('devA')?.cid as CID
    await log.put(entry(3), 'c.txt')
    await s.blockstore.delete(middle)
    await refuses(open(s), 'INDEX_CHAIN_BROKEN')
  })

  it('a tampered stored block or the wrong key is refused at start', async () => {
    const s = stores()
    const log = await open(s)
    await log.put(entry(1), 'a.txt')
    // Heads are MAC'd under a key of the index key, so another key fails there first.
    await refuses(open(s, { indexKey: key(8) }), 'INDEX_HEAD_FORGED')
    const head = log.heads().get('devA')?.cid as CID
    const bytes = (await readBlock(s.blockstore, head) as Uint8Array).slice()
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0x40
    await s.blockstore.put(head, bytes)
    await refuses(open(s), 'INDEX_RECORD_TAMPERED')
  })

  it('a head that disagrees with its chain, or is unreadable, is refused', async () => {
    const s = stores()
    const log = await open(s)
    await log.put(entry(1), 'a.txt')
    const headKey = [...(s.datastore.queryKeys({ prefix: '/cairn/index/heads/' }) as Generator<Key>)][0] as Key
    const stored = JSON.parse(new TextDecoder().decode(s.datastore.get(headKey) as Uint8Array)) as Record<string, unknown>
    // A changed seq no longer matches the head's MAC.
    s.datastore.put(headKey, new TextEncoder().encode(JSON.stringify({ ...stored, seq: 2 })))
    await refuses(open(s), 'INDEX_HEAD_FORGED')
    s.datastore.put(headKey, new TextEncoder().encode('{"v":1'))
    await refuses(open(s), 'INDEX_CHAIN_BROKEN')
    s.datastore.put(headKey, new TextEncoder().encode(JSON.stringify({ ...stored, device: 'devB' })))
    await refuses(open(s), 'INDEX_CHAIN_BROKEN')
  })
})

describe('IndexLog with several devices in one store', () => {
  it('loads every device chain; concurrent puts of one path keep both', async () => {
    const s = stores()
    const a = await open(s, { deviceId: 'devA', now: () => Date.UTC(2024, 6, 1) })
    const b = await open(s, { deviceId: 'laptop', now: () => Date.UTC(2024, 6, 2) })
    // Neither has seen the other: a concurrent edit, as sync will deliver it.
    const fromA = await a.put(entry(1), 'notes.txt')
    const fromB = await b.put(entry(2), 'notes.txt')
    // The phone's clock is not months behind theirs: a clock only follows ops up to a day ahead of it.
    const merged = await open(s, { deviceId: 'phone', now: () => Date.UTC(2024, 6, 3) })
    assert.deepEqual(merged.listFiles().map(f => [f.fileId, f.path]), [
      [fromB.fileId, 'notes (conflict, laptop, 2024-07-02).txt'],
      [fromA.fileId, 'notes.txt']
    ])
    assert.deepEqual([...merged.heads().keys()].sort(), ['devA', 'laptop'])
    // Accepting the conflict name makes it the stored path.
    const accepted = await merged.move(fromB.fileId, 'notes (conflict, laptop, 2024-07-02).txt')
    assert.equal(accepted.conflict, false)
    assert.equal(accepted.storedPath, accepted.path)
  })

  it('a local edit after seeing another device\'s ops wins, even when that device\'s clock ran ahead', async () => {
    const s = stores()
    const ahead = await open(s, { deviceId: 'fast', now: () => T0 + 86_400_000 })
    const file = await ahead.put(entry(1), 'a.txt')
    const clock = manualClock(T0)
    const local = await open(s, { deviceId: 'devA', now: clock.now })
    const edited = await local.put(entry(2), 'a.txt', file.fileId)
    assert.equal(edited.updated.device, 'devA')
    assert.deepEqual((await open(s, { deviceId: 'other' })).getFile(file.fileId)?.entry, entry(2))
  })
})
