import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { streamPair } from '@libp2p/utils'
import { answerSync, deriveSyncKey, syncWith } from '../../../core/protocols/sync/index.ts'
import { entry, key } from '../index/fixtures.ts'
import { SyncBudget } from '../../../core/protocols/sync/budget.ts'
import { pull, replica, T0 } from './support.ts'

describe('/cairn/sync/1 and removed devices', () => {
  it('a removed device\'s chain is not taken from another member either (as the backup pull refuses it); the member\'s own chain is', async () => {
    const a = await replica('devA')
    const c = await replica('devC')
    const removed = await replica('devR')
    // R was removed on A; it keeps writing, and C, not yet told, syncs with it.
    await removed.log.put(entry(1), 'written-after-removal.txt')
    await pull(c, removed)
    await c.log.put(entry(2), 'from-c.txt')
    const isRevoked = (peer: string): boolean => peer === 'devR'
    const [outbound, inbound] = await streamPair()
    const [asked] = await Promise.allSettled([
      syncWith(outbound, 'devC', { index: a.log, syncKey: deriveSyncKey(key(7)), localPeer: 'devA', isRevoked }),
      answerSync(inbound, 'devA', { index: c.log, syncKey: deriveSyncKey(key(7)), localPeer: 'devC' })
    ])
    assert.equal(asked?.status, 'fulfilled', 'leaving the chain out is no failure')
    assert.equal(a.log.heads().has('devR'), false, 'A merged the removed device\'s chain, relayed by C')
    assert.deepEqual(a.log.listFiles().map(f => f.path), ['from-c.txt'])
  })

  it('a removed device\'s long chain is not sent, so it does not take the room of the chains the other side does take', async () => {
    const a = await replica('devA')
    const b = await replica('devB')
    const removed = await replica('devR')
    for (let i = 0; i < 40; i++) {
      removed.clock.t = T0 + i * 1000
      await removed.log.put(entry(i % 4), `r/${i}.txt`)
    }
    // A merged R's chain before R was removed; B paired later. Both know of the removal.
    await pull(a, removed)
    for (let i = 0; i < 10; i++) await a.log.put(entry(i % 4), `from-a/${i}.txt`)
    const isRevoked = (peer: string): boolean => peer === 'devR'
    // B takes 8 KiB a session: less than R's chain.
    const budget = new SyncBudget(8 * 1024)
    for (let i = 0; i < 5 && b.log.listFiles().length < 10; i++) {
      const [outbound, inbound] = await streamPair()
      const [asked, answered] = await Promise.allSettled([
        syncWith(outbound, 'devA', { index: b.log, syncKey: deriveSyncKey(key(7)), localPeer: 'devB', isRevoked, budget }),
        answerSync(inbound, 'devB', { index: a.log, syncKey: deriveSyncKey(key(7)), localPeer: 'devA', isRevoked })
      ])
      assert.equal(asked.status, 'fulfilled')
      assert.equal(answered.status, 'fulfilled')
    }
    assert.equal(b.log.listFiles().length, 10, 'A\'s own files did not reach B: every session filled B\'s room with the removed device\'s chain, which B drops')
    assert.equal(b.log.heads().has('devR'), false)
  })
})
