import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ConnectionInfo, NetworkStatus, RelayPing } from '../../../core/rpc/api.ts'
import { messageForCode } from '../../../web/error-messages.ts'
import { createPeersModel } from '../../../web/models/peers-model.ts'
import { createTestClient, deferred, fail, manualTimers, settle } from './fake-rpc.ts'

const RELAY = '/ip4/127.0.0.1/tcp/4101/ws/p2p/12D3KooWRelay'
const conn = (peerId: string, extra: Partial<ConnectionInfo> = {}): ConnectionInfo =>
  ({ peerId, remoteAddr: `/ip4/127.0.0.1/tcp/1/ws/p2p/${peerId}`, transport: 'direct', direction: 'outbound', openedAt: 1000, ...extra })

function setup () {
  let connections: ConnectionInfo[] = [conn('PeerA'), conn('PeerB', { transport: 'relayed', direction: 'inbound' })]
  const status = (): NetworkStatus => ({ peerId: 'Me', multiaddrs: [], connections, kept: [], relays: [RELAY] })
  const relay: RelayPing = { service: 'cairn-relay', version: '1.0.0', peerId: 'R', multiaddrs: [RELAY], capabilities: ['circuit-relay-v2'] }
  const client = createTestClient({
    'network.status': async () => status(),
    'network.connect': async ({ address }) => {
      if (address.includes('/tcp/9/')) fail('PEER_UNREACHABLE')
      if (address.includes('bad')) fail('ADDRESS_INVALID')
      const c = conn('PeerC')
      connections = [...connections, c]
      return c
    },
    'network.disconnect': async ({ peerId }) => {
      if (peerId === 'PeerB') fail('INTERNAL')
      connections = connections.filter(c => c.peerId !== peerId)
    },
    'network.ping': async ({ peerId }) => peerId === 'PeerA' ? { latencyMs: 12 } : fail('PEER_UNREACHABLE'),
    'network.pingRelay': async ({ url }) => url === 'http://127.0.0.1:4102/ping' ? relay : fail('PEER_UNREACHABLE')
  })
  let clock = 5000
  const timers = manualTimers()
  const peers = createPeersModel({ client, timers, pollMs: 5000, now: () => clock })
  return { client, peers, timers, relay, tickClock: (ms: number) => { clock += ms } }
}

const statusCalls = (client: ReturnType<typeof setup>['client']): number => client.calls.filter(c => c.method === 'network.status').length

test('open() reads the status now, on network.changed and every tick, and stops when the page closes', async () => {
  const { client, peers, timers, tickClock } = setup()
  const stop = peers.open()
  await settle()
  assert.equal(peers.status.value?.peerId, 'Me')
  assert.equal(peers.now.value, 5000)
  tickClock(60_000)
  client.emit('network.changed', undefined)
  timers.tick()
  await settle()
  assert.equal(statusCalls(client), 3)
  assert.equal(peers.now.value, 65_000, 'relative times move with each refresh')
  stop()
  client.emit('network.changed', undefined)
  timers.tick()
  assert.equal(statusCalls(client), 3)
})

test('connect: text that is no multiaddr is refused without asking the node; node errors become words', async () => {
  const { client, peers } = setup()
  peers.setConnectAddress('relay.local:4101')
  await peers.connect()
  assert.equal(peers.connectError.value, messageForCode('ADDRESS_INVALID'))
  assert.equal(client.calls.some(c => c.method === 'network.connect'), false)
  peers.setConnectAddress('/ip4/127.0.0.1/tcp/9/ws/p2p/X')
  assert.equal(peers.connectError.value, undefined, 'typing clears the old error')
  await peers.connect()
  assert.equal(peers.connectError.value, messageForCode('PEER_UNREACHABLE'))
  assert.equal(peers.connectAddress.value, '/ip4/127.0.0.1/tcp/9/ws/p2p/X', 'the address stays to be corrected')
  peers.setConnectAddress('/ip4/bad')
  await peers.connect()
  assert.equal(peers.connectError.value, messageForCode('ADDRESS_INVALID'))
})

test('connect: success names the peer, clears the field and shows the new connection', async () => {
  const { client, peers } = setup()
  peers.setConnectAddress('  /ip4/127.0.0.1/tcp/4301/ws/p2p/PeerC  ')
  const pending = peers.connect()
  assert.equal(peers.connectBusy.value, true)
  await peers.connect()
  assert.equal(client.calls.filter(c => c.method === 'network.connect').length, 1, 'a second click while busy does nothing')
  await pending
  assert.deepEqual(client.calls.find(c => c.method === 'network.connect')?.args, { address: '/ip4/127.0.0.1/tcp/4301/ws/p2p/PeerC' })
  assert.equal(peers.connectedTo.value, 'PeerC')
  assert.equal(peers.connectAddress.value, '')
  assert.equal(peers.connectBusy.value, false)
  assert.deepEqual(peers.status.value?.connections.map(c => c.peerId), ['PeerA', 'PeerB', 'PeerC'])
})

test('ping records the round trip per peer; errors stay on their row; a row is busy once at a time', async () => {
  const gate = deferred<{ latencyMs: number }>()
  const { client, peers } = setup()
  client.handlers['network.ping'] = async ({ peerId }) => peerId === 'PeerA' ? await gate.promise : fail('PEER_UNREACHABLE')
  const first = peers.ping('PeerA')
  assert.equal(peers.rowBusy.value.PeerA, 'ping')
  await peers.disconnect('PeerA')
  assert.equal(client.calls.some(c => c.method === 'network.disconnect'), false, 'no disconnect while that row pings')
  gate.resolve({ latencyMs: 7 })
  await first
  assert.deepEqual(peers.latencies.value, { PeerA: 7 })
  assert.deepEqual(peers.rowBusy.value, {})
  await peers.ping('PeerB')
  assert.equal(peers.rowErrors.value.PeerB, messageForCode('PEER_UNREACHABLE'))
  assert.equal(peers.rowErrors.value.PeerA, undefined)
  assert.equal(peers.latencies.peek().PeerB, undefined)
})

test('disconnect drops the peer from the table; a failure says so on that row', async () => {
  const { peers } = setup()
  await peers.refresh()
  await peers.ping('PeerA')
  await peers.disconnect('PeerA')
  assert.deepEqual(peers.status.value?.connections.map(c => c.peerId), ['PeerB'])
  assert.equal(peers.latencies.value.PeerA, undefined)
  await peers.disconnect('PeerB')
  assert.equal(peers.rowErrors.value.PeerB, messageForCode('INTERNAL'))
})

test('relay checks: a known relay by URL, a typed URL (bare host gets /ping), and a refusal in words', async () => {
  const { client, peers, relay } = setup()
  await peers.checkRelay('http://127.0.0.1:4102/ping')
  assert.deepEqual(peers.relayChecks.value['http://127.0.0.1:4102/ping'], { busy: false, result: relay })
  peers.setRelayUrl(' http://127.0.0.1:4102 ')
  await peers.checkTypedRelay()
  assert.equal(peers.typedUrlChecked.value, 'http://127.0.0.1:4102/ping')
  assert.equal(client.calls.filter(c => c.method === 'network.pingRelay').length, 2)
  peers.setRelayUrl('http://127.0.0.1:9999/ping')
  await peers.checkTypedRelay()
  const refused = peers.relayChecks.value['http://127.0.0.1:9999/ping']
  assert.equal(refused?.result, undefined)
  assert.match(refused?.error ?? '', /relay didn't answer/)
  peers.setRelayUrl('ws://127.0.0.1:4101')
  await peers.checkTypedRelay()
  assert.match(peers.relayChecks.value['ws://127.0.0.1:4101']?.error ?? '', /http:\/\/ or https:\/\//)
  assert.equal(client.calls.filter(c => c.method === 'network.pingRelay').length, 3, 'a ws:// URL is never sent')
  peers.reset()
  assert.deepEqual(peers.relayChecks.value, {})
  assert.equal(peers.relayUrl.value, '')
})

test('a failed status read shows words and keeps the last good status', async () => {
  const { client, peers } = setup()
  await peers.refresh()
  client.handlers['network.status'] = async () => fail('NODE_UNAVAILABLE')
  await peers.refresh()
  assert.equal(peers.error.value, messageForCode('NODE_UNAVAILABLE'))
  assert.equal(peers.status.value?.peerId, 'Me')
})
