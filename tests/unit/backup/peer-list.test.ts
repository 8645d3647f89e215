import assert from 'node:assert/strict'
import { test } from 'node:test'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { isCairnError } from '../../../core/errors.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { PeerKeeper } from '../../../core/node/peer-keeper.ts'
import { BackupPeers } from '../../../core/protocols/backup/device/backup-peers.ts'
import { keptPeerList } from '../../../core/protocols/backup/device/sealed-peer-list.ts'
import { addressOf, MemoryLog, startDevice, startPeer, stopPeer, waitFor } from './helpers.ts'

test('each paired peer keeps the vault\'s sealed peer list: a restore from one finds them all, with no code', async () => {
  const [one, two] = [await startPeer(), await startPeer()]
  const device = await startDevice()
  const deviceId = device.helia.libp2p.peerId.toString()
  const log = new MemoryLog()
  const index = new IndexLog({ blockstore: device.blockstore, datastore: device.datastore }, { indexKey: deriveSubkey(device.vaultKey, 'index'), deviceId })
  const backups = new BackupPeers({ libp2p: device.helia.libp2p, datastore: device.datastore, keeper: new PeerKeeper({ libp2p: device.helia.libp2p, log }), log, onChanged: () => {} }, deviceId)
  const restored = await startDevice(device.vaultKey)
  const stranger = await startDevice()
  try {
    await index.start()
    await backups.start()
    await backups.attach({ signer: device.signer, index, peerListKey: deriveSubkey(device.vaultKey, 'peers') })
    for (const peer of [one, two]) await backups.add(addressOf(peer).toString(), await peer.service.createPairingCode())
    const ids = [one, two].map(peer => peer.helia.libp2p.peerId.toString()).sort()

    // A fresh device that knows only the vault key and one peer's address finds both.
    const key = deriveSubkey(device.vaultKey, 'peers')
    const listed = async (): Promise<string[]> => (await keptPeerList(restored.client, addressOf(one), key, log)).map(p => p.peerId).sort()
    await waitFor(async () => (await listed()).length === 2, 15_000, 'the first peer to keep the list of both')
    assert.deepEqual(await listed(), ids)
    assert.deepEqual((await keptPeerList(restored.client, addressOf(two), key, log)).map(p => p.peerId).sort(), ids)

    // The peer cannot read it; another vault cannot ask for it; a wrong key opens nothing.
    const sealed = await restored.client.peerList(addressOf(one)) ?? ''
    assert.ok(!sealed.includes(ids[0] as string) && !sealed.includes(ids[1] as string))
    await assert.rejects(stranger.client.peerList(addressOf(one)), (err: unknown) => isCairnError(err, 'NOT_PAIRED'))
    assert.deepEqual(await keptPeerList(restored.client, addressOf(one), deriveSubkey(stranger.vaultKey, 'peers'), log), [])
    assert.ok(log.has('warn', /other peers could not be read/))
  } finally {
    backups.stop()
    await index.stop()
    for (const node of [device, restored, stranger]) await node.helia.stop()
    await stopPeer(one)
    await stopPeer(two)
  }
})
