import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { streamPair } from '@libp2p/utils'
import { isCairnError, type ErrorCode } from '../../../core/errors.ts'
import { answerSync, deriveSyncKey, syncWith, type SyncSessionInit, type SyncSummary } from '../../../core/protocols/sync/index.ts'
import { entry, key } from '../index/fixtures.ts'
import { pull, replica, shown, type Replica } from './support.ts'
import type { SyncIndex } from '../../../core/protocols/sync/index.ts'

/** Runs one session between two replicas over an in-memory stream pair; `a` opens it. */
async function session (a: Replica, b: Replica, extra: { a?: Partial<SyncSessionInit>, b?: Partial<SyncSessionInit> } = {}): Promise<[PromiseSettledResult<SyncSummary>, PromiseSettledResult<SyncSummary>]> {
  const [outbound, inbound] = await streamPair()
  return await Promise.allSettled([
    syncWith(outbound, b.deviceId, { index: a.log, syncKey: deriveSyncKey(key(7)), localPeer: a.deviceId, ...extra.a }),
    answerSync(inbound, a.deviceId, { index: b.log, syncKey: deriveSyncKey(key(7)), localPeer: b.deviceId, ...extra.b })
  ])
}

function value<T> (result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason
  return result.value
}

function refusedWith (result: PromiseSettledResult<unknown>, code: ErrorCode): void {
  assert.equal(result.status, 'rejected')
  const reason = (result as PromiseRejectedResult).reason as unknown
  assert.ok(isCairnError(reason, code), `expected ${code}, got ${String((reason as { code?: string }).code ?? reason)}`)
}

describe('/cairn/sync/1', () => {
  it('two devices converge both ways in one session, and a second session sends nothing', async () => {
    const a = await replica('devA')
    const b = await replica('devB')
    const notes = await a.log.put(entry(1), 'notes.txt')
    await a.log.put(entry(2), 'photo.jpg')
    b.clock.t += 1000
    await b.log.put(entry(3), 'report.pdf')
    const [fromA, fromB] = await session(a, b)
    assert.deepEqual(shown(a.log), shown(b.log))
    assert.deepEqual(a.log.listFiles().map(f => f.path), ['notes.txt', 'photo.jpg', 'report.pdf'])
    assert.deepEqual({ sent: value(fromA).blocksSent, received: value(fromA).blocksReceived, changed: value(fromA).changed.length }, { sent: 2, received: 1, changed: 1 })
    assert.deepEqual({ sent: value(fromB).blocksSent, received: value(fromB).blocksReceived, changed: value(fromB).changed.length }, { sent: 1, received: 2, changed: 2 })

    // B renames; A gets it (and the chain A already had of B is not sent again).
    await b.log.move(notes.fileId, 'Notes/notes.txt')
    const [again, answered] = await session(a, b)
    assert.deepEqual(value(again).changed, [notes.fileId])
    assert.equal(value(answered).blocksSent, 1)
    assert.equal(value(again).blocksSent, 0)
    assert.equal(a.log.getFile(notes.fileId)?.path, 'Notes/notes.txt')

    const [idle] = await session(a, b)
    assert.deepEqual({ sent: value(idle).blocksSent, received: value(idle).blocksReceived }, { sent: 0, received: 0 })
  })

  it('a device without the vault key is refused on both sides and learns nothing', async () => {
    const a = await replica('devA')
    const stranger = await replica('devX', { fill: 9 })
    await a.log.put(entry(1), 'secret.txt')
    await stranger.log.put(entry(2), 'junk.txt')
    const [outbound, inbound] = await streamPair()
    const results = await Promise.allSettled([
      syncWith(outbound, a.deviceId, { index: stranger.log, syncKey: deriveSyncKey(key(9)), localPeer: stranger.deviceId }),
      answerSync(inbound, stranger.deviceId, { index: a.log, syncKey: deriveSyncKey(key(7)), localPeer: a.deviceId })
    ])
    refusedWith(results[0], 'SYNC_NOT_MEMBER')
    refusedWith(results[1], 'SYNC_NOT_MEMBER')
    assert.deepEqual(a.log.listFiles().map(f => f.path), ['secret.txt'])
    assert.deepEqual(stranger.log.listFiles().map(f => f.path), ['junk.txt'])
  })

  it('a proof made for another pair of devices (a replay or a relay in the middle) is refused', async () => {
    const a = await replica('devA')
    const b = await replica('devB')
    await a.log.put(entry(1), 'secret.txt')
    // A believes it talks to devM; the member on the other end proves itself as devB.
    const [outbound, inbound] = await streamPair()
    const results = await Promise.allSettled([
      syncWith(outbound, 'devM', { index: a.log, syncKey: deriveSyncKey(key(7)), localPeer: a.deviceId }),
      answerSync(inbound, a.deviceId, { index: b.log, syncKey: deriveSyncKey(key(7)), localPeer: b.deviceId })
    ])
    refusedWith(results[0], 'SYNC_NOT_MEMBER')
    refusedWith(results[1], 'SYNC_NOT_MEMBER')
    assert.deepEqual(b.log.listFiles(), [])
  })

  it('a removed device is refused before the hello', async () => {
    const a = await replica('devA')
    const b = await replica('devB')
    await b.log.put(entry(1), 'from-b.txt')
    const [toA, answered] = await session(b, a, { b: { isRevoked: peer => peer === 'devB' } })
    refusedWith(toA, 'DEVICE_REVOKED')
    refusedWith(answered, 'DEVICE_REVOKED')
    assert.deepEqual(a.log.listFiles(), [])
  })

  it('a side that serves a forged head for one chain is refused with INDEX_HEAD_FORGED; its good chains still merge', async () => {
    const a = await replica('devA')
    const b = await replica('devB')
    const c = await replica('devC')
    await a.log.put(entry(1), 'from-a.txt')
    await c.log.put(entry(2), 'from-c.txt')
    await pull(a, c)
    // A (or a peer in its place) claims more of C's chain than C wrote, under C's old MAC.
    const lying: SyncIndex = {
      heads: () => a.log.heads(),
      signedHeads: () => {
        const heads = a.log.signedHeads()
        return { ...heads, devC: { ...(heads.devC as { cid: string, seq: number, mac: string }), seq: 2 } }
      },
      blocksAfter: async (device, head, afterSeq) => await a.log.blocksAfter(device, head, afterSeq),
      signedHead: (device, head) => a.log.signedHead(device, head),
      merge: async (device, signed, fetch) => await a.log.merge(device, signed, fetch)
    }
    const [outbound, inbound] = await streamPair()
    const [, answered] = await Promise.allSettled([
      syncWith(outbound, b.deviceId, { index: lying, syncKey: deriveSyncKey(key(7)), localPeer: a.deviceId }),
      answerSync(inbound, a.deviceId, { index: b.log, syncKey: deriveSyncKey(key(7)), localPeer: b.deviceId })
    ])
    refusedWith(answered, 'INDEX_HEAD_FORGED')
    assert.deepEqual(b.log.listFiles().map(f => f.path), ['from-a.txt'])
    assert.equal(b.log.heads().has('devC'), false)
  })
})
