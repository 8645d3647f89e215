import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { circuitAddress, createClient, eventually, sendToSink, serveSink, startTestRelay, tryClients, wsAddress, type Client } from './helpers.ts'

// Every case: a legitimate pair (L holds a reservation, B reaches L through
// the relay) is set up first, then a bounded loop from 127.0.0.1 pushes past
// one cap. The loop is refused beyond the cap and the pair keeps working.

async function legitimatePair (circuit: string): Promise<{ l: Client, b: Client, stop: () => Promise<void> }> {
  const l = await createClient([circuit])
  await serveSink(l)
  const b = await createClient()
  await b.dial(await circuitAddress(l), { signal: AbortSignal.timeout(5_000) })
  return { l, b, stop: async () => { await Promise.allSettled([l.stop(), b.stop()]) } }
}

async function assertPairWorks (l: Client, b: Client): Promise<void> {
  const address = await circuitAddress(l)
  assert.ok(await b.services.ping.ping(address, { signal: AbortSignal.timeout(5_000) }) >= 0)
  assert.equal(await sendToSink(b, address, 200 * 1024), 200 * 1024)
}

async function stopAll (clients: Client[]): Promise<void> {
  await Promise.allSettled(clients.map(async c => { await c.stop() }))
}

describe('relay caps', { timeout: 45_000 }, () => {
  it('--max-reservations: reservations beyond the cap are refused; freed slots come back when peers leave', async () => {
    const relay = await startTestRelay({ maxReservations: 3, maxReservationsPerIp: 100 })
    const pair = await legitimatePair(relay.circuit)
    const flood = await tryClients(6, [relay.circuit])
    try {
      assert.equal(flood.length, 2, 'two more reservations fit next to the legitimate one')
      assert.equal(relay.stats().reservations, 3)
      await assertPairWorks(pair.l, pair.b)
      await stopAll(flood)
      assert.ok(await eventually(() => relay.stats().reservations === 1), `reservations after the flood left: ${relay.stats().reservations}`)
      const late = await tryClients(1, [relay.circuit])
      assert.equal(late.length, 1, 'a freed slot can be reserved again')
      await stopAll(late)
    } finally {
      await stopAll(flood)
      await pair.stop()
      await relay.close()
    }
  })

  it('--max-reservations-per-ip: one address cannot take more slots than its share', async () => {
    const relay = await startTestRelay({ maxReservations: 50, maxReservationsPerIp: 2 })
    const pair = await legitimatePair(relay.circuit)
    const flood = await tryClients(5, [relay.circuit])
    try {
      assert.equal(flood.length, 1, 'one more reservation from 127.0.0.1 fits next to the legitimate one')
      assert.equal(relay.stats().reservations, 2)
      await assertPairWorks(pair.l, pair.b)
    } finally {
      await stopAll(flood)
      await pair.stop()
      await relay.close()
    }
  })

  it('--max-connections-per-ip: connections beyond the cap are refused; closed ones free their place', async () => {
    const relay = await startTestRelay({ maxConnectionsPerIp: 4 })
    const pair = await legitimatePair(relay.circuit) // L and B hold one connection each
    const relayAddress = wsAddress(relay.multiaddrs)
    const flood = await tryClients(6, [], relayAddress)
    try {
      assert.equal(flood.length, 2, 'two more connections from 127.0.0.1 fit next to the pair')
      assert.ok(await pair.b.services.ping.ping(relayAddress, { signal: AbortSignal.timeout(5_000) }) >= 0)
      await assertPairWorks(pair.l, pair.b)
      await stopAll(flood)
      // The relay sees the sockets close a moment later; retry until it has.
      const late: Client[] = []
      assert.ok(await eventually(async () => { late.push(...await tryClients(1, [], relayAddress)); return late.length === 1 }, 5_000, 50), 'a closed connection frees its place')
      await stopAll(late)
    } finally {
      await stopAll(flood)
      await pair.stop()
      await relay.close()
    }
  })

  it('--max-relayed-connections: circuits beyond the cap are refused, open ones keep working', async () => {
    const relay = await startTestRelay({ maxRelayedConnections: 1 })
    const pair = await legitimatePair(relay.circuit)
    const target = await circuitAddress(pair.l)
    const flood = await tryClients(3, [], target)
    try {
      assert.equal(flood.length, 0)
      assert.equal(relay.stats().relayedConnections, 1)
      await assertPairWorks(pair.l, pair.b)
    } finally {
      await stopAll(flood)
      await pair.stop()
      await relay.close()
    }
  })

  it('--relay-max-bytes: a circuit that outgrows its budget is reset; a new one works', async () => {
    const relay = await startTestRelay({ relayMaxBytes: 256 * 1024 })
    const pair = await legitimatePair(relay.circuit)
    try {
      const address = await circuitAddress(pair.l)
      const sent = await sendToSink(pair.b, address, 1024 * 1024).catch(() => -1)
      assert.notEqual(sent, 1024 * 1024, '1 MiB must not cross a 256 KiB budget')
      assert.ok(await eventually(() => relay.stats().relayedConnections === 0))
      await pair.b.dial(address, { signal: AbortSignal.timeout(5_000) })
      assert.equal(await sendToSink(pair.b, address, 64 * 1024), 64 * 1024)
    } finally {
      await pair.stop()
      await relay.close()
    }
  })

  it('--relay-max-duration: a circuit is closed when its time is up', async () => {
    const relay = await startTestRelay({ relayMaxDuration: 400 })
    const pair = await legitimatePair(relay.circuit)
    try {
      const started = Date.now()
      assert.equal(relay.stats().relayedConnections, 1)
      assert.ok(await eventually(() => pair.b.getConnections(pair.l.peerId).length === 0, 5_000), 'the relayed connection closes')
      assert.ok(Date.now() - started < 4_000)
      assert.equal(relay.stats().relayedConnections, 0)
    } finally {
      await pair.stop()
      await relay.close()
    }
  })
})
