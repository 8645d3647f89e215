import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { toBase64 } from '../../../core/crypto/base64.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { PeerKeeper } from '../../../core/node/peer-keeper.ts'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { BackupPeers } from '../../../core/protocols/backup/device/backup-peers.ts'
import { addressOf, MemoryLog, randomBytes, readBlock, startDevice, startPeer, stopPeer, storeRandomFile, waitFor } from './helpers.ts'

test('Verify now names a bad block of an earlier version or a Trash item by its file, not as a CID', async () => {
  const peerFiles = new MemoryPackFiles()
  const peerStore = new PackBlockstore({ files: peerFiles })
  await peerStore.start()
  // Not repaired at once (no device answers in time), so the report must name the file.
  const peer = await startPeer({ verifyRepairTimeoutMs: 300 }, { blockstore: peerStore, datastore: new MemoryDatastore() })
  const device = await startDevice()
  const deviceId = device.helia.libp2p.peerId.toString()
  const index = new IndexLog({ blockstore: device.blockstore, datastore: device.datastore }, { indexKey: deriveSubkey(device.vaultKey, 'index'), deviceId })
  const log = new MemoryLog()
  const backups = new BackupPeers({ libp2p: device.helia.libp2p, datastore: device.datastore, keeper: new PeerKeeper({ libp2p: device.helia.libp2p, log }), log, onChanged: () => {} }, deviceId)
  try {
    const [draft, final, gone] = [await storeRandomFile(device.blockstore, 3000), await storeRandomFile(device.blockstore, 4000), await storeRandomFile(device.blockstore, 5000)]
    const entry = (root: string) => ({ cid: root, size: 1, mtime: 0, tag: toBase64(randomBytes(32)), fk: toBase64(randomBytes(32)), type: '' })
    await index.start()
    const first = await index.put(entry(draft.root.toString()), 'report.txt')
    await index.put(entry(final.root.toString()), 'report.txt', first.fileId)
    const old = await index.put(entry(gone.root.toString()), 'old.txt')
    await index.remove(old.fileId)
    await backups.start()
    await backups.attach({ signer: device.signer, index })
    await backups.add(addressOf(peer).toString(), await peer.service.createPairingCode())
    const peerId = peer.helia.libp2p.peerId.toString()
    await waitFor(() => backups.holds(draft.root.toString()) && backups.holds(gone.root.toString()), 20_000, 'the version and the Trash item held')

    // The device lets go of both blocks, so nothing can send them back at once.
    for (const file of [draft, gone]) {
      const good = await readBlock(device.blockstore, file.root)
      await device.blockstore.delete(file.root)
      for (const name of await peerFiles.list()) {
        const at = name.endsWith('.pack') ? Buffer.from(peerFiles.bytes(name)).indexOf(Buffer.from(good.subarray(0, 64))) : -1
        if (at >= 0) peerFiles.flipByte(name, at + 100)
      }
    }
    const result = await backups.verify(peerId)
    assert.deepEqual(new Set((result.damaged ?? []).map(d => d.file)), new Set(['report.txt (an earlier version)', 'old.txt (in the Trash)']))
  } finally {
    backups.stop()
    await device.helia.stop()
    await stopPeer(peer)
    await peerStore.stop()
  }
})
