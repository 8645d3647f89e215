import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatAgo, formatLatency, shortPeerId } from '../../../web/format.ts'
import { liveRefresh } from '../../../web/lib/live-refresh.ts'
import { without } from '../../../web/lib/records.ts'
import { isHttpUrl, relayPingUrl } from '../../../web/lib/relay-url.ts'
import { parseRelayLines } from '../../../web/models/relay-settings-model.ts'
import { createTestClient, manualTimers } from './fake-rpc.ts'

const ID = '12D3KooWRfakePeerIdForTheVisualReviewHarnessOnly9aBcD'

test('a relay multiaddr gives its HTTP /ping on the WebSocket port + 1', () => {
  assert.equal(relayPingUrl(`/ip4/127.0.0.1/tcp/4101/ws/p2p/${ID}`), 'http://127.0.0.1:4102/ping')
  assert.equal(relayPingUrl('/ip4/10.0.0.2/tcp/80/ws'), 'http://10.0.0.2:81/ping')
  assert.equal(relayPingUrl('/dns4/relay.local/tcp/443/wss'), 'https://relay.local:444/ping')
  assert.equal(relayPingUrl('/dns/relay.local/tcp/443/tls/ws'), 'https://relay.local:444/ping')
  assert.equal(relayPingUrl('/ip6/::1/tcp/4101/ws'), 'http://[::1]:4102/ping')
  assert.equal(relayPingUrl(' /ip4/127.0.0.1/tcp/4101/ws '), 'http://127.0.0.1:4102/ping')
  // Nothing to derive it from: WebRTC-direct over UDP, plain TCP, junk, the top port.
  assert.equal(relayPingUrl(`/ip4/127.0.0.1/udp/4101/webrtc-direct/p2p/${ID}`), undefined)
  assert.equal(relayPingUrl('/ip4/127.0.0.1/tcp/4101'), undefined)
  assert.equal(relayPingUrl('/ip4/127.0.0.1/tcp/abc/ws'), undefined)
  assert.equal(relayPingUrl('/ip4/127.0.0.1/tcp/65535/ws'), undefined)
  assert.equal(relayPingUrl('/unix/tmp/sock/tcp/1/ws'), undefined)
  assert.equal(relayPingUrl('relay.local:4101'), undefined)
  assert.equal(relayPingUrl(''), undefined)
})

test('only http and https URLs are offered to the node as relay status URLs', () => {
  assert.equal(isHttpUrl('http://127.0.0.1:4102/ping'), true)
  assert.equal(isHttpUrl(' https://relay.local/ping '), true)
  assert.equal(isHttpUrl('ws://127.0.0.1:4101'), false)
  assert.equal(isHttpUrl('file:///etc/passwd'), false)
  assert.equal(isHttpUrl('127.0.0.1:4102'), false)
  assert.equal(isHttpUrl(''), false)
})

test('peer ids shorten for tables; times and latencies read as words', () => {
  assert.equal(shortPeerId(ID), '12D3KooW…y9aBcD')
  assert.equal(shortPeerId('short'), 'short')
  const now = 1_000_000_000
  assert.equal(formatAgo(0, now), 'never')
  assert.equal(formatAgo(now - 2000, now), 'just now')
  assert.equal(formatAgo(now + 3000, now), 'just now', 'a clock a little ahead is not "in the future"')
  assert.equal(formatAgo(now - 42_000, now), '42 s ago')
  assert.equal(formatAgo(now - 5 * 60_000, now), '5 min ago')
  assert.equal(formatAgo(now - 3 * 3_600_000, now), '3 h ago')
  assert.equal(formatAgo(now - 3 * 86_400_000, now), '3 days ago')
  assert.equal(formatLatency(undefined), '—')
  assert.equal(formatLatency(3.4), '3 ms')
  assert.equal(formatLatency(1234), '1.2 s')
})

test('relay lines: trimmed, blanks dropped, duplicates once, order kept', () => {
  assert.deepEqual(parseRelayLines(' /ip4/1.2.3.4/tcp/1/ws \r\n\n/ip4/5.6.7.8/tcp/2/ws\n/ip4/1.2.3.4/tcp/1/ws\n  '), ['/ip4/1.2.3.4/tcp/1/ws', '/ip4/5.6.7.8/tcp/2/ws'])
  assert.deepEqual(parseRelayLines('\n \n'), [])
})

test('without() copies a record minus one key and leaves the original alone', () => {
  const original = { a: 1, b: 2 }
  assert.deepEqual(without(original, 'a'), { b: 2 })
  assert.deepEqual(original, { a: 1, b: 2 })
  assert.deepEqual(without(original, 'missing'), { a: 1, b: 2 })
})

test('live refresh: now, on each event, on each tick; nothing after stop', () => {
  const client = createTestClient()
  const timers = manualTimers()
  let runs = 0
  const stop = liveRefresh(client, 'backup.changed', async () => { runs++ }, 3000, timers)
  assert.equal(runs, 1)
  client.emit('backup.changed', undefined)
  assert.equal(runs, 2)
  client.emit('network.changed', undefined)
  assert.equal(runs, 2, 'another event is not ours')
  timers.tick()
  assert.equal(runs, 3)
  stop()
  assert.equal(timers.active(), 0)
  client.emit('backup.changed', undefined)
  timers.tick()
  assert.equal(runs, 3)
})
