import { it } from 'node:test'
import assert from 'node:assert/strict'
import { DeviceSync } from '../../../core/node/device-sync.ts'
import { deriveSyncKey } from '../../../core/protocols/sync/index.ts'
import { entry, key } from '../index/fixtures.ts'
import { pull, replica } from '../sync/support.ts'

it('a removed device whose chain is in the index is neither among the devices to reach nor dialled through the relays', async () => {
  const a = await replica('devA')
  const removed = await replica('devR')
  const kept = await replica('devK')
  await removed.log.put(entry(1), 'before-removal.txt')
  await kept.log.put(entry(2), 'kept.txt')
  await pull(a, removed)
  await pull(a, kept)
  const dialled: string[] = []
  const libp2p = {
    peerId: { toString: () => 'devA' },
    handle: async () => {},
    unhandle: async () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    getConnections: () => [],
    dial: async (addrs: Array<{ toString: () => string }>) => { dialled.push(...addrs.map(String)); throw new Error('offline') }
  }
  const relay = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWGjMCwm4xyWrDCxfaGDsK4YtBdf6y7yEDNrBdH5fLoFcN'
  const sync = new DeviceSync({
    libp2p: libp2p as never,
    networkBlockstore: { get: async () => { throw new Error('none') } } as never,
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } as never,
    relays: () => [relay],
    knownDevices: () => [],
    isRevoked: (peer) => peer === 'devR',
    onChanged: () => {}
  }, { dialIntervalMs: 60_000, backupPullMs: 600_000 })
  try {
    await sync.attach({ index: a.log, syncKey: deriveSyncKey(key(7)) })
    await new Promise(resolve => setTimeout(resolve, 50))
    // DeviceDialer's contract: "The devices to reach (this one and revoked ones already left out)".
    assert.deepEqual(sync.devices(), ['devK'], 'the removed device is still a device to reach')
    assert.deepEqual(dialled.filter(addr => addr.endsWith('/p2p/devR')), [], 'the removed device is dialled through the relay')
    assert.ok(dialled.some(addr => addr.endsWith('/p2p/devK')), 'the other device is dialled')
  } finally {
    sync.stop()
  }
})
