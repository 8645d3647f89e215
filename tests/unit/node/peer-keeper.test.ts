import assert from 'node:assert/strict'
import { test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { PeerKeeper } from '../../../core/node/peer-keeper.ts'
import { manualClock } from '../support/clock.ts'
import type { Connection, Libp2p } from '@libp2p/interface'

/** A libp2p node that only dials: each dial fails until `up`, and its connections are what the test says. */
async function fakeNode () {
  const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const state = { up: false, dials: 0, connections: [] as Connection[] }
  const libp2p = {
    getConnections: () => state.connections,
    dial: async () => {
      state.dials++
      if (!state.up) throw new Error('connection refused')
      const connection = { remotePeer: peerId, status: 'open' } as unknown as Connection
      state.connections = [connection]
      return connection
    }
  } as unknown as Libp2p
  return { libp2p, state, address: `/ip4/127.0.0.1/tcp/9/p2p/${peerId.toString()}` }
}

/** Lets a settled dial's handlers run. */
const settle = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }

test('the peer keeper redials a lost peer on its backoff (0.5 s doubling to 15 s), by the injected clock, and starts over once connected', async () => {
  const node = await fakeNode()
  const clock = manualClock()
  const keeper = new PeerKeeper({ libp2p: node.libp2p, log: new LogBuffer().for('test') }, { now: clock.now })
  // start() looks at the peers at once; stop() leaves no timer behind, so only the test's clock moves time.
  const look = async (): Promise<void> => { keeper.start(); keeper.stop(); await settle() }
  try {
    keeper.keep(node.address)
    await settle()
    assert.equal(node.state.dials, 1, 'a kept peer is dialled at once')

    for (const wait of [500, 1000, 2000, 4000, 8000, 15_000, 15_000]) {
      const before: number = node.state.dials
      clock.advance(wait - 1)
      await look()
      assert.equal(node.state.dials, before, `no redial before ${wait} ms`)
      clock.advance(1)
      await look()
      assert.equal(node.state.dials, before + 1, `a redial after ${wait} ms`)
    }
    assert.match(keeper.status()[0]?.lastError ?? '', /connection refused/)

    // The peer is back: the next redial connects, and a connected peer is not dialled.
    node.state.up = true
    clock.advance(15_000)
    await look()
    assert.equal(keeper.status()[0]?.connected, true)
    const dials: number = node.state.dials
    clock.advance(60_000)
    await look()
    assert.equal(node.state.dials, dials)

    // It drops again: dialled at once, and a failure waits the shortest delay again.
    node.state.connections = []
    node.state.up = false
    await look()
    assert.equal(node.state.dials, dials + 1)
    clock.advance(499)
    await look()
    assert.equal(node.state.dials, dials + 1)
    clock.advance(1)
    await look()
    assert.equal(node.state.dials, dials + 2)
  } finally {
    keeper.stop()
  }
})

test('with nothing to keep no timer runs (an idle desktop with no relay wakes for nothing); one starts with the first kept peer and ends with the last', async (t) => {
  // Counts the intervals alive: the keeper's own setInterval/clearInterval calls.
  const live = new Set<unknown>()
  const realSet = globalThis.setInterval
  const realClear = globalThis.clearInterval
  t.mock.method(globalThis, 'setInterval', (...args: Parameters<typeof setInterval>) => { const id = realSet(...args); live.add(id); return id })
  t.mock.method(globalThis, 'clearInterval', (id: ReturnType<typeof setInterval>) => { live.delete(id); realClear(id) })
  const node = await fakeNode()
  const keeper = new PeerKeeper({ libp2p: node.libp2p, log: new LogBuffer().for('test') })
  try {
    keeper.start()
    assert.equal(live.size, 0, 'started with nothing to keep: no timer')
    keeper.keep(node.address)
    await settle()
    assert.equal(node.state.dials, 1, 'dialled at once')
    assert.equal(live.size, 1, 'a kept peer is looked at every second')
    keeper.forget(node.address)
    assert.equal(live.size, 0, 'the last one forgotten: no timer')
  } finally {
    keeper.stop()
  }
  assert.equal(live.size, 0)
})
