import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryDatastore } from 'datastore-core/memory'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { DEVICE_BOOK_PROTOCOL, DeviceBookExchange } from '../../../core/node/device-book-exchange.ts'
import { deviceSigner } from '../../../core/node/device-key.ts'
import { DeviceDirectory } from '../../../core/vault/device-directory.ts'
import { addressOf, MemoryLog, startNode, waitFor, type TestNode } from '../backup/helpers.ts'

interface Side { node: TestNode, directory: DeviceDirectory, exchange: DeviceBookExchange, id: string, log: MemoryLog }

async function side (vaultKey: Uint8Array, name: string): Promise<Side> {
  const node = await startNode()
  const id = node.helia.libp2p.peerId.toString()
  const log = new MemoryLog()
  const directory = new DeviceDirectory({ datastore: new MemoryDatastore(), peerId: id, describe: { name, platform: 'Linux' }, log, onChanged: () => {}, sign: deviceSigner(node.helia.libp2p) })
  await directory.attach(deriveSubkey(vaultKey, 'devices'))
  const exchange = new DeviceBookExchange({ libp2p: node.helia.libp2p, log })
  await exchange.attach(directory)
  return { node, directory, exchange, id, log }
}

async function names (s: Side): Promise<Record<string, string>> {
  return Object.fromEntries((await s.directory.list()).map(d => [d.peerId, d.name]))
}

describe('device books between two devices of a vault', () => {
  it('a swap gives both the same book; a rename here reaches the other at once', async () => {
    const vaultKey = globalThis.crypto.getRandomValues(new Uint8Array(32))
    const a = await side(vaultKey, 'Chrome on Linux')
    const b = await side(vaultKey, 'Firefox on Android')
    try {
      await a.node.helia.libp2p.dial(addressOf(b.node))
      a.exchange.seen(b.id)
      // B merges A's book, then A merges B's reply: wait for both.
      await waitFor(async () => Object.keys(await names(b)).length === 2 && Object.keys(await names(a)).length === 2, 10_000, 'A and B to learn of each other')
      assert.deepEqual(await names(a), await names(b))

      await b.directory.rename(b.id, 'My phone')
      b.exchange.changed([a.id])
      await waitFor(async () => (await names(a))[b.id] === 'My phone', 10_000, 'A to see the rename')
    } finally {
      await a.node.helia.stop()
      await b.node.helia.stop()
    }
  })

  it('a device of another vault learns nothing and changes nothing', async () => {
    const a = await side(globalThis.crypto.getRandomValues(new Uint8Array(32)), 'Laptop')
    const stranger = await side(globalThis.crypto.getRandomValues(new Uint8Array(32)), 'Stranger')
    try {
      await stranger.node.helia.libp2p.dial(addressOf(a.node))
      stranger.exchange.changed([a.id])
      a.exchange.changed([stranger.id])
      // Both swaps end, refused (a book sealed under another vault key does not open).
      const failed = (s: Side): boolean => s.log.lines.some(l => /device book swap .* failed/.test(l.message))
      await waitFor(() => failed(a) && failed(stranger), 10_000, 'both swaps to be refused')
      assert.deepEqual(Object.keys(await names(a)), [a.id])
      assert.deepEqual(Object.keys(await names(stranger)), [stranger.id])
    } finally {
      await a.node.helia.stop()
      await stranger.node.helia.stop()
    }
  })

  it('a swap with a device that never answers ends its stream, not only the wait', async () => {
    const a = await side(globalThis.crypto.getRandomValues(new Uint8Array(32)), 'Laptop')
    const silent = await startNode()
    try {
      // Takes the stream and never reads or writes: a hung or hostile device.
      await silent.helia.libp2p.handle(DEVICE_BOOK_PROTOCOL, () => {})
      const connection = await a.node.helia.libp2p.dial(addressOf(silent))
      a.exchange.changed([silent.helia.libp2p.peerId.toString()])
      await waitFor(() => a.log.lines.some(l => /device book swap .* failed/.test(l.message)), 20_000, 'the swap to time out')
      const open = connection.streams.filter(s => s.protocol === DEVICE_BOOK_PROTOCOL && s.status === 'open')
      assert.equal(open.length, 0, 'the timed-out swap left its stream open on the connection')
    } finally {
      await a.node.helia.stop()
      await silent.helia.stop()
    }
  })
})
