import assert from 'node:assert/strict'
import { test } from 'node:test'
import { toBase64 } from '../../../core/crypto/base64.ts'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { PeerKeeper } from '../../../core/node/peer-keeper.ts'
import { BACKUP_PROTOCOL } from '../../../core/protocols/backup/index.ts'
import { BackupPeers } from '../../../core/protocols/backup/device/backup-peers.ts'
import { addressOf, heldBlocks, MemoryLog, mh, randomBytes, startDevice, startPeer, stopPeer, storeRandomFile, waitFor } from './helpers.ts'
import type { Stream } from '@libp2p/interface'

test('a backup peer that takes requests and never answers does not hold up backups to the other peers', { timeout: 120_000 }, async () => {
  const [slow, healthy] = [await startPeer(), await startPeer()]
  const device = await startDevice()
  const deviceId = device.helia.libp2p.peerId.toString()
  const index = new IndexLog({ blockstore: device.blockstore, datastore: device.datastore }, { indexKey: deriveSubkey(device.vaultKey, 'index'), deviceId })
  const log = new MemoryLog()
  const keeper = new PeerKeeper({ libp2p: device.helia.libp2p, log })
  const backups = new BackupPeers({ libp2p: device.helia.libp2p, datastore: device.datastore, keeper, log, onChanged: () => {} }, deviceId)
  const held: Stream[] = []
  try {
    await index.start()
    await backups.start()
    await backups.attach({ signer: device.signer, index })
    // The slow one is paired first, so it is first in the list.
    for (const peer of [slow, healthy]) await backups.add(addressOf(peer).toString(), await peer.service.createPairingCode())

    // From now on the slow peer takes every backup request and never answers (no error either).
    await slow.helia.libp2p.unhandle(BACKUP_PROTOCOL)
    await slow.helia.libp2p.handle(BACKUP_PROTOCOL, (stream: Stream) => { held.push(stream) }, { runOnLimitedConnection: true })

    const file = await storeRandomFile(device.blockstore, 100_000)
    await index.put({ cid: file.root.toString(), size: 1, mtime: 0, tag: toBase64(randomBytes(32)), fk: toBase64(randomBytes(32)), type: '' }, 'a.bin')
    backups.changed()
    await waitFor(async () => held.length > 0, 15_000, 'the slow peer to be asked')
    await waitFor(async () => (await heldBlocks(healthy.blockstore)).set.has(mh(file.root)), 25_000, 'the healthy peer to get the file')
    // It did not wait for the slow peer's request to fail first.
    assert.ok(held.some((stream) => stream.status === 'open'), `the slow peer's requests: ${held.map((s) => s.status).join(', ')}`)
  } finally {
    backups.stop()
    keeper.stop()
    for (const stream of held) stream.abort(new Error('test over'))
    await index.stop()
    await device.helia.stop()
    await stopPeer(slow)
    await stopPeer(healthy)
  }
})
