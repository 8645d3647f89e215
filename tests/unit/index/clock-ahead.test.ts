import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { streamPair } from '@libp2p/utils'
import { isCairnError } from '../../../core/errors.ts'
import { MAX_HLC_COUNTER, MAX_HLC_WALL } from '../../../core/index/constants.ts'
import { headMacKey } from '../../../core/index/head-mac.ts'
import type { Hlc } from '../../../core/index/hlc.ts'
import { writeOps } from '../../../core/index/log-store.ts'
import { answerSync, deriveSyncKey, syncWith } from '../../../core/protocols/sync/index.ts'
import { entry, key, op } from './fixtures.ts'
import { DAY, pull, reopen, replica, T0, type Replica } from '../sync/support.ts'

/** A replica of devM whose chain holds one put stamped `hlc` (written as a broken or hostile device would). */
async function deviceWithOp (hlc: Hlc): Promise<Replica> {
  const bad = await replica('devM')
  const evil = op('put', 'fileEvil1', 'evil.txt', hlc, 1, 2)
  await writeOps({ blockstore: bad.blockstore, datastore: bad.datastore }, key(7), headMacKey(key(7)), 'devM', undefined, [evil])
  return { ...bad, log: await reopen(bad) }
}

async function syncPair (from: Replica, to: Replica): Promise<Array<PromiseSettledResult<unknown>>> {
  const [outbound, inbound] = await streamPair()
  return await Promise.allSettled([
    syncWith(outbound, to.deviceId, { index: from.log, syncKey: deriveSyncKey(key(7)), localPeer: from.deviceId }),
    answerSync(inbound, from.deviceId, { index: to.log, syncKey: deriveSyncKey(key(7)), localPeer: to.deviceId })
  ])
}

describe('index ops dated far ahead of this device', () => {
  it('an op at the top of the clock range is refused with INDEX_CLOCK_AHEAD, and the receiver keeps writing', async () => {
    const victim = await replica('devA')
    await victim.log.put(entry(1), 'mine.txt')
    const bad = await deviceWithOp({ wall: MAX_HLC_WALL, counter: MAX_HLC_COUNTER, device: 'devM' })
    await assert.rejects(pull(victim, bad), err => isCairnError(err, 'INDEX_CLOCK_AHEAD'))
    await syncPair(bad, victim)
    assert.equal(victim.log.heads().has('devM'), false)
    await assert.doesNotReject(victim.log.put(entry(3), 'after.txt'))
    await assert.doesNotReject((await reopen(victim)).put(entry(0), 'after-restart.txt'))
  })

  it('an op with an implausible counter is refused even at a present wall time', async () => {
    const victim = await replica('devA')
    const bad = await deviceWithOp({ wall: T0, counter: 2 ** 31 + 1, device: 'devM' })
    await assert.rejects(pull(victim, bad), err => isCairnError(err, 'INDEX_CLOCK_AHEAD'))
  })

  it('a device whose clock says year 2999 does not make the others stamp their edits in 2999', async () => {
    const victim = await replica('devA')
    const bad = await replica('devM', { start: Date.UTC(2999, 0, 1) })
    await bad.log.put(entry(2), 'from-the-future.txt')
    const [, answered] = await syncPair(bad, victim)
    assert.ok(answered?.status === 'rejected' && isCairnError(answered.reason, 'INDEX_CLOCK_AHEAD'))
    const mine = await victim.log.put(entry(3), 'now.txt')
    assert.ok(mine.updated.wall < Date.UTC(2100, 0, 1), `the receiver's own edit is stamped ${new Date(mine.updated.wall).toISOString()}`)
  })

  it('a clock less than a day ahead is merged, and the receiver\'s next edit follows it', async () => {
    const victim = await replica('devA')
    const ahead = await replica('devB', { start: T0 + DAY - 60_000 })
    await ahead.log.put(entry(2), 'ahead.txt')
    await pull(victim, ahead)
    assert.equal(victim.log.heads().get('devB')?.seq, 1)
    const mine = await victim.log.put(entry(3), 'now.txt')
    assert.ok(mine.updated.wall >= T0 + DAY - 60_000)
  })

  it('a vault that already holds such an op (merged before merges refused it) opens and is writable', async () => {
    const victim = await replica('devA')
    await victim.log.put(entry(1), 'mine.txt')
    // Put devM's chain straight into the victim's stores, as an older merge did.
    await writeOps({ blockstore: victim.blockstore, datastore: victim.datastore }, key(7), headMacKey(key(7)), 'devM', undefined,
      [op('put', 'fileEvil1', 'evil.txt', { wall: MAX_HLC_WALL, counter: MAX_HLC_COUNTER, device: 'devM' }, 1, 2)])
    const log = await reopen(victim)
    assert.equal(log.heads().get('devM')?.seq, 1)
    const mine = await log.put(entry(3), 'after.txt')
    assert.ok(mine.updated.wall < Date.UTC(2100, 0, 1))
  })

  it('this device\'s own chain is followed however far ahead it ran, so it never goes back in time', async () => {
    const self = await replica('devA', { start: Date.UTC(2999, 0, 1) })
    await self.log.put(entry(1), 'a.txt')
    self.clock.t = T0
    const log = await reopen(self)
    const next = await log.put(entry(2), 'b.txt')
    assert.ok(next.updated.wall >= Date.UTC(2999, 0, 1))
  })
})
