import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { CID } from 'multiformats/cid'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { DeviceSync, type DeviceSyncComponents } from '../../../core/node/device-sync.ts'
import { ManifestLog } from '../../../core/protocols/backup/manifest-log.ts'
import { sendPendingManifests } from '../../../core/protocols/backup/send-manifests.ts'
import { deriveSyncKey } from '../../../core/protocols/sync/index.ts'
import { addressOf, indexWith, MemoryLog, startDevice, startNode, startPeer, stopPeer, storeRandomFile, waitFor, type TestNode } from '../backup/helpers.ts'
import { entry } from '../index/fixtures.ts'

interface Device { node: TestNode, log: IndexLog, sync: DeviceSync, logs: MemoryLog, id: string }

async function device (vaultKey: Uint8Array, parts: Partial<DeviceSyncComponents> = {}, node?: TestNode): Promise<Device> {
  node ??= await startNode()
  const id = node.helia.libp2p.peerId.toString()
  const indexKey = deriveSubkey(vaultKey, 'index')
  const syncKey = deriveSyncKey(indexKey)
  const log = new IndexLog({ blockstore: node.blockstore, datastore: new MemoryDatastore() }, { indexKey, deviceId: id })
  await log.start()
  const logs = new MemoryLog()
  const sync = new DeviceSync({ libp2p: node.helia.libp2p, networkBlockstore: node.helia.blockstore, log: logs, relays: () => [], onChanged: () => {}, ...parts }, { dialIntervalMs: 60_000, backupPullMs: 60_000, timeoutMs: 5_000 })
  await sync.attach({ index: log, syncKey })
  return { node, log, sync, logs, id }
}

async function stop (...devices: Device[]): Promise<void> {
  for (const d of devices) {
    d.sync.stop()
    await d.node.helia.stop()
  }
}

const paths = (d: Device): string[] => d.log.listFiles().map(f => f.path)
const sessions = (d: Device): number => d.logs.lines.filter(l => l.level === 'info' && l.message.startsWith('sync with')).length

describe('DeviceSync between libp2p nodes on 127.0.0.1', () => {
  it('pushes: a change on A is in B\'s index at once, B asking nothing; a burst makes few sessions', async () => {
    const vaultKey = globalThis.crypto.getRandomValues(new Uint8Array(32))
    let bId = ''
    const changedOnB: string[][] = []
    const a = await device(vaultKey, { knownDevices: () => [bId] })
    const b = await device(vaultKey, { onChanged: (ids) => { changedOnB.push(ids) } })
    bId = b.id
    try {
      await a.node.helia.libp2p.dial(addressOf(b.node))
      // Connecting syncs (nothing to send yet); then B has no timer that would ask A.
      await waitFor(() => sessions(b) >= 1, 10_000, 'the first session')
      const started = Date.now()
      await a.log.put(entry(1), 'pushed.txt')
      await waitFor(() => paths(b).includes('pushed.txt'), 5_000, 'B to list the pushed file')
      const ms = Date.now() - started
      assert.ok(ms < 1_000, `pushed within a second (${ms} ms)`)
      assert.ok(changedOnB.some(ids => ids.length === 1))

      const before = sessions(b)
      for (let i = 2; i < 22; i++) await a.log.put(entry(i), `burst-${i}.txt`)
      await waitFor(() => paths(b).length === 21, 10_000, 'the burst on B')
      const burst = sessions(b) - before
      assert.ok(burst >= 1 && burst <= 5, `20 changes made ${burst} sessions, not one each`)
      // B knows A from A's chain now, and its own change goes back.
      await b.log.put(entry(30), 'from-b.txt')
      await waitFor(() => paths(a).includes('from-b.txt'), 5_000, 'A to list B\'s file')
    } finally {
      await stop(a, b)
    }
  })

  it('a device that knows no one yet syncs with a peer that answers /cairn/sync/1 once it connects; a stranger\'s vault is refused', async () => {
    const vaultKey = globalThis.crypto.getRandomValues(new Uint8Array(32))
    const a = await device(vaultKey)
    const b = await device(vaultKey)
    const stranger = await device(globalThis.crypto.getRandomValues(new Uint8Array(32)))
    try {
      await a.log.put(entry(1), 'a.txt')
      await stranger.log.put(entry(2), 'secret.txt')
      await b.node.helia.libp2p.dial(addressOf(a.node))
      await b.node.helia.libp2p.dial(addressOf(stranger.node))
      await waitFor(() => paths(b).includes('a.txt'), 10_000, 'B to get A\'s chain')
      await waitFor(() => b.logs.has('debug', /SYNC_NOT_MEMBER/), 10_000, 'the stranger refused')
      assert.deepEqual(paths(b), ['a.txt'])
      assert.deepEqual(paths(stranger), ['secret.txt'])
    } finally {
      await stop(a, b, stranger)
    }
  })

  it('through the backup peer: A backs up and goes away; B pulls A\'s chain from the peer\'s heads', async () => {
    const peer = await startPeer()
    const a = await startDevice()
    const bNode = await startDevice(a.vaultKey)
    try {
      const file = await storeRandomFile(a.blockstore, 50_000)
      const index = await indexWith(a, file, 'from-a.bin')
      await a.client.pair(addressOf(peer), await peer.service.createPairingCode())
      const manifests = new ManifestLog({ datastore: a.datastore }, { peer: peer.helia.libp2p.peerId.toString(), device: a.helia.libp2p.peerId.toString(), snapshot: async () => ({ pin: [] }) })
      await manifests.start()
      await manifests.append({ pin: [file.root.toString(), ...index.blocks], unpin: [], heads: index.heads, sizes: { [file.root.toString()]: file.bytes } })
      await sendPendingManifests(a.client, addressOf(peer), manifests)
      await waitFor(async () => (await a.client.status(addressOf(peer))).pending === 0 && (await a.client.status(addressOf(peer))).pinned === 1 + index.blocks.length, 20_000, 'the peer to hold A\'s blocks')
      await a.helia.stop()

      const peerId = peer.helia.libp2p.peerId.toString()
      const changed: string[][] = []
      const b = await device(a.vaultKey, {
        backup: { peers: () => [peerId], heads: async () => await bNode.client.heads(addressOf(peer)) },
        onChanged: (ids) => { changed.push(ids) }
      }, bNode)
      try {
        assert.deepEqual(paths(b), [])
        await b.sync.pullFromBackup()
        assert.deepEqual(paths(b), ['from-a.bin'])
        assert.equal(changed.length, 1)
        assert.equal(b.log.heads().get(a.helia.libp2p.peerId.toString())?.cid.toString(), CID.parse(index.blocks[0] as string).toString())
        // Asked again: nothing is ahead, nothing changes.
        await b.sync.pullFromBackup()
        assert.equal(changed.length, 1)
      } finally {
        await stop(b)
      }
    } finally {
      await a.helia.stop()
      await stopPeer(peer)
    }
  })

  it('a forged head from the backup peer is refused and logged; the good chains still merge', async () => {
    const vaultKey = globalThis.crypto.getRandomValues(new Uint8Array(32))
    const source = await device(vaultKey)
    const other = new IndexLog({ blockstore: source.node.blockstore, datastore: new MemoryDatastore() }, { indexKey: deriveSubkey(vaultKey, 'index'), deviceId: '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo' })
    await other.start()
    await source.log.put(entry(1), 'good.txt')
    await other.put(entry(2), 'forged.txt')
    const heads = { ...source.log.signedHeads(), ...other.signedHeads() }
    const forged = heads['12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'] as { mac: string }
    forged.mac = forged.mac.startsWith('A') ? 'B' + forged.mac.slice(1) : 'A' + forged.mac.slice(1)
    const b = await device(vaultKey, { backup: { peers: () => ['peer'], heads: async () => heads }, networkBlockstore: new MemoryBlockstore() })
    try {
      // The blocks are at hand (as if fetched); only the head is wrong.
      for (const cid of [...source.log.blockCids(), ...other.blockCids()]) {
        for await (const bytes of source.node.blockstore.get(CID.parse(cid))) await b.node.blockstore.put(CID.parse(cid), bytes)
      }
      await b.sync.pullFromBackup()
      assert.deepEqual(paths(b), ['good.txt'])
      assert.ok(b.logs.has('warn', /refused the index chain .*INDEX_HEAD_FORGED/))
    } finally {
      await other.stop()
      await stop(source, b)
    }
  })
})
