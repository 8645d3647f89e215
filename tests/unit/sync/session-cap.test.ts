import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { streamPair } from '@libp2p/utils'
import { answerSync, deriveSyncKey, syncWith, type SyncSummary } from '../../../core/protocols/sync/index.ts'
import { SyncBudget } from '../../../core/protocols/sync/budget.ts'
import { entry, key } from '../index/fixtures.ts'
import { replica, shown, T0, type Replica } from './support.ts'

/**
 * A device whose chain is more than the other side takes in one session
 * (MAX_SESSION_BLOCK_BYTES, or what the node's sync budget has room for)
 * used to fail every session with REQUEST_TOO_LARGE: nothing merged, ever,
 * in either direction. Here the receiver takes 8 KiB a session and the
 * sender's chain is several times that.
 */

const KIB = 1024
const FILES = 40

async function writer (deviceId: string, count: number, prefix: string): Promise<Replica> {
  const r = await replica(deviceId)
  for (let i = 0; i < count; i++) {
    r.clock.t = T0 + i * 1000
    await r.log.put(entry(i % 4), `${prefix}/${String(i).padStart(3, '0')}.txt`)
  }
  return r
}

/** One session, `from` opening it to `to`; each side with its own budget. */
async function session (from: Replica, to: Replica, budgets: { from?: SyncBudget, to?: SyncBudget }): Promise<[PromiseSettledResult<SyncSummary>, PromiseSettledResult<SyncSummary>]> {
  const [outbound, inbound] = await streamPair()
  const [opened, answered] = await Promise.allSettled([
    syncWith(outbound, to.deviceId, { index: from.log, syncKey: deriveSyncKey(key(7)), localPeer: from.deviceId, ...(budgets.from === undefined ? {} : { budget: budgets.from }) }),
    answerSync(inbound, from.deviceId, { index: to.log, syncKey: deriveSyncKey(key(7)), localPeer: to.deviceId, ...(budgets.to === undefined ? {} : { budget: budgets.to }) })
  ])
  return [opened, answered]
}

function reason (result: PromiseSettledResult<unknown>): string {
  return result.status === 'rejected' ? String((result.reason as { code?: string }).code ?? result.reason) : 'ok'
}

describe('/cairn/sync/1: a chain larger than one session takes', () => {
  it('the receiver takes what fits, oldest first, and later sessions bring the rest', async () => {
    const big = await writer('devB', FILES, 'big')
    const small = await replica('devA')
    await small.log.put(entry(1), 'mine.txt')
    const budget = new SyncBudget(8 * KIB)
    const first = await session(big, small, { to: budget })
    assert.equal(reason(first[1]), 'ok', 'the receiving side finished its session')
    assert.equal(reason(first[0]), 'ok', 'the sending side finished its session')
    const seq = small.log.heads().get('devB')?.seq ?? 0
    assert.ok(seq > 0 && seq < FILES, `the first session merged a part of the chain (op ${seq} of ${FILES})`)
    assert.deepEqual(big.log.listFiles().map(f => f.path).filter(p => p.startsWith('mine')), ['mine.txt'], 'the other direction went through in the same session')
    // The oldest files, in order: a prefix of the chain.
    assert.deepEqual(small.log.listFiles().filter(f => f.path.startsWith('big/')).map(f => f.path), Array.from({ length: seq }, (_, i) => `big/${String(i).padStart(3, '0')}.txt`))
    assert.equal(budget.held, 0)
    for (let i = 0; i < 20 && (small.log.heads().get('devB')?.seq ?? 0) < FILES; i++) {
      const [opened, answered] = await session(big, small, { to: budget })
      assert.equal(reason(answered), 'ok')
      assert.equal(reason(opened), 'ok')
    }
    assert.deepEqual(shown(small.log), shown(big.log), 'in the end both show the same files')
  })

  it('the same when the big chain is on the side that answers', async () => {
    const big = await writer('devB', FILES, 'big')
    const small = await replica('devA')
    const budget = new SyncBudget(8 * KIB)
    for (let i = 0; i < 20 && (small.log.heads().get('devB')?.seq ?? 0) < FILES; i++) {
      const [opened, answered] = await session(small, big, { from: budget })
      assert.equal(reason(opened), 'ok', `session ${i + 1}`)
      assert.equal(reason(answered), 'ok', `session ${i + 1}`)
    }
    assert.deepEqual(shown(small.log), shown(big.log))
  })
})
