import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isCairnError, type ErrorCode } from '../../../core/errors.ts'
import { MemoryOfferDirectory } from '../../../core/protocols/pairing/memory-offer-directory.ts'
import type { OfferSource } from '../../../core/protocols/pairing/offer-directory.ts'
import { PEER_A, PEER_B, PEER_M, TestClock } from './support.ts'

// A relay's directory is shared by strangers: each peer and each IP key may
// hold only a small share of it and look codes up only so fast.

const is = (code: ErrorCode) => (err: unknown) => isCairnError(err, code)
const sealed = Uint8Array.of(1, 2, 3)
const id = (n: number): string => String(n).padStart(5, '0')

test('one peer keeps a few codes at a time: its next one replaces its oldest, and nobody else\'s', async () => {
  const clock = new TestClock()
  const directory = new MemoryOfferDirectory({ now: clock.now, maxEntriesPerPeer: 3 })
  assert.equal(await directory.publish(id(99), sealed, clock.ms + 60_000, { peer: PEER_A, ipKey: '203.0.113.9' }), true)
  const mallory: OfferSource = { peer: PEER_M, ipKey: '198.51.100.7' }
  for (let i = 0; i < 50; i++) assert.equal(await directory.publish(id(i), sealed, clock.ms + 60_000, mallory), true)
  assert.equal(directory.size, 4)
  assert.equal(await directory.lookup(id(46)), undefined, 'replaced')
  for (const i of [47, 48, 49, 99]) assert.deepEqual(await directory.lookup(id(i)), sealed)
  assert.equal(await directory.publish(id(47), sealed, clock.ms + 60_000, mallory), false, 'a taken id replaces nothing')
  assert.equal(directory.size, 4)
})

test('all peers from one IP key share a few places; another address still publishes', async () => {
  const clock = new TestClock()
  const directory = new MemoryOfferDirectory({ now: clock.now, maxEntriesPerPeer: 3, maxEntriesPerIp: 8 })
  let taken = 0
  for (let p = 0; p < 5; p++) {
    for (let i = 0; i < 3; i++) {
      try {
        if (await directory.publish(id(p * 10 + i), sealed, clock.ms + 60_000, { peer: `sybil-${p}`, ipKey: '2001:db8:0:1::/64' })) taken++
      } catch (err) {
        assert.ok(is('PAIRING_CODE_LIMIT')(err))
      }
    }
  }
  assert.equal(taken, 8)
  assert.equal(await directory.publish(id(99), sealed, clock.ms + 60_000, { peer: PEER_A, ipKey: '2001:db8:0:2::/64' }), true)
})

test('peers whose IP is not known (through a circuit) share one part of the directory, so they cannot take the rest', async () => {
  const clock = new TestClock()
  const directory = new MemoryOfferDirectory({ now: clock.now, maxEntries: 20, maxEntriesWithoutIp: 5 })
  let taken = 0
  for (let p = 0; p < 10; p++) {
    try {
      if (await directory.publish(id(p), sealed, clock.ms + 60_000, { peer: `relayed-${p}` })) taken++
    } catch (err) {
      assert.ok(is('PAIRING_CODE_LIMIT')(err))
    }
  }
  assert.equal(taken, 5)
  assert.equal(await directory.publish(id(50), sealed, clock.ms + 60_000, { peer: PEER_A, ipKey: '192.0.2.1' }), true, 'a peer with an IP is not in their group')
})

test('lookups are limited per peer and per IP key per minute; a refused lookup uses up no read of an honest entry', async () => {
  const clock = new TestClock()
  const directory = new MemoryOfferDirectory({ now: clock.now, maxReads: 3, lookupsPerPeerPerMinute: 10, lookupsPerIpPerMinute: 30 })
  assert.equal(await directory.publish('48210', sealed, clock.ms + 10 * 60_000, { peer: PEER_A, ipKey: '203.0.113.9' }), true)
  const guesser: OfferSource = { peer: PEER_M, ipKey: '198.51.100.7' }
  for (let i = 0; i < 10; i++) assert.equal(await directory.lookup(id(i), guesser), undefined)
  await assert.rejects(directory.lookup('48210', guesser), is('PAIRING_LOOKUP_LIMIT'))
  for (let p = 0; p < 2; p++) for (let i = 0; i < 10; i++) await directory.lookup(id(100 + i), { peer: `sybil-${p}`, ipKey: '198.51.100.7' })
  await assert.rejects(directory.lookup('48210', { peer: 'sybil-3', ipKey: '198.51.100.7' }), is('PAIRING_LOOKUP_LIMIT'), 'the address has used its 30')
  const joiner: OfferSource = { peer: PEER_B, ipKey: '203.0.113.10' }
  for (let i = 0; i < 3; i++) assert.deepEqual(await directory.lookup('48210', joiner), sealed, 'all three reads are still there for the device that has the code')
  clock.advance(60_000)
  assert.equal(await directory.lookup(id(0), guesser), undefined, 'a minute later the guesser may ask again')
})

test('asked without a source (a device\'s own directory, a test), nothing is limited per source', async () => {
  const clock = new TestClock()
  const directory = new MemoryOfferDirectory({ now: clock.now, maxEntriesPerPeer: 1, lookupsPerPeerPerMinute: 1 })
  for (let i = 0; i < 5; i++) assert.equal(await directory.publish(id(i), sealed, clock.ms + 60_000), true)
  for (let i = 0; i < 5; i++) assert.deepEqual(await directory.lookup(id(i)), sealed)
})
