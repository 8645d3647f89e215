import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { streamPair } from '@libp2p/utils'
import { answerSync, deriveSyncKey, syncWith } from '../../../core/protocols/sync/index.ts'
import { entry, key } from '../index/fixtures.ts'
import { pull, replica } from './support.ts'

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
})
