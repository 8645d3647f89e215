import assert from 'node:assert/strict'
import { test } from 'node:test'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { PeerKeeper } from '../../../core/node/peer-keeper.ts'
import { BackupPeers } from '../../../core/protocols/backup/device/backup-peers.ts'
import { addressOf, MemoryLog, startDevice, startPeer, stopPeer, storeRandomFile, waitFor } from './helpers.ts'

// The node worker makes the shares after BackupPeers (shares ask backup to drop
// a copy), so it hands their roots in with pinAlso: they must be pinned and
// reported as held exactly as roots given at construction are.
test('roots handed in with pinAlso after construction are pinned on the peer and reported as held by it', async () => {
  const peer = await startPeer()
  const device = await startDevice()
  const deviceId = device.helia.libp2p.peerId.toString()
  const index = new IndexLog({ blockstore: device.blockstore, datastore: device.datastore }, { indexKey: deriveSubkey(device.vaultKey, 'index'), deviceId })
  const log = new MemoryLog()
  const keeper = new PeerKeeper({ libp2p: device.helia.libp2p, log })
  const backups = new BackupPeers({ libp2p: device.helia.libp2p, datastore: device.datastore, keeper, log, onChanged: () => {} }, deviceId)
  try {
    const share = await storeRandomFile(device.blockstore, 100_000)
    const s = share.root.toString()
    backups.pinAlso(() => [{ cid: s }])
    await index.start()
    await backups.start()
    await backups.attach({ signer: device.signer, index })
    await backups.add(addressOf(peer).toString(), await peer.service.createPairingCode())
    await waitFor(() => backups.holdersOf(s).length > 0, 20_000, 'the late-added root held')
    assert.deepEqual(backups.holdersOf(s), [peer.helia.libp2p.peerId.toString()])
  } finally {
    backups.stop()
    keeper.stop()
    await index.stop()
    await device.helia.stop()
    await stopPeer(peer)
  }
})
