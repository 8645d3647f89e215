import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { webRTCDirect } from '@libp2p/webrtc'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { vaultSigner } from '../../../core/crypto/vault-signing.ts'
import { createNode } from '../../../core/node/create-node.ts'
import { BACKUP_PROTOCOL, BackupClient } from '../../../core/protocols/backup/index.ts'
import { WEBRTC_READ_BUFFER_BYTES } from '../../../relay-server/peer/constants.ts'
import { startPeer } from '../../../relay-server/peer/start-peer.ts'
import { createLogger } from '../../../relay-server/shared/log.ts'
import { randomBytes, storeRandomFile, waitFor } from '../backup/helpers.ts'
import { tempDir } from './support.ts'

describe('cairn-peer over WebRTC-direct', () => {
  it('replicates a multi-MiB file from a device that reaches it by WebRTC-direct only, with the larger read buffer (granted once paired, never to a stranger), and keeps its certhash across restarts', async () => {
    const dir = await tempDir()
    const peer = await startPeer({ dataDir: dir.path, wsPort: 0, webrtcPort: 0 }, { log: createLogger({ level: 'silent' }) })
    const blockstore = new MemoryBlockstore()
    const device = createNode({ allowPrivateAddresses: true }, {
      blockstore,
      datastore: new MemoryDatastore(),
      // No public STUN server: loopback needs none.
      transports: [webRTCDirect({ rtcConfiguration: { iceServers: [] } })]
    })
    await device.start()
    try {
      const address = peer.multiaddrs.find((ma) => ma.includes('/webrtc-direct/'))
      assert.ok(address !== undefined, `a WebRTC-direct address: ${peer.multiaddrs.join(' ')}`)
      const target = multiaddr(address)
      const client = new BackupClient({ libp2p: device.libp2p }, { signer: vaultSigner(randomBytes(32)), timeoutMs: 20_000 })
      await client.pair(target, peer.pairingCode as string)

      const file = await storeRandomFile(blockstore, 8 * 1024 * 1024)
      await client.sendManifest(target, { device: device.libp2p.peerId.toString(), seq: 1, pin: [file.root.toString()], unpin: [] })
      await waitFor(async () => (await client.status(target)).pinned === 1, 30_000, 'the file pinned over WebRTC-direct')

      const connections = peer.helia.libp2p.getConnections(device.libp2p.peerId)
      assert.ok(connections.length > 0 && connections.every((c) => c.remoteAddr.toString().includes('/webrtc-direct')), 'only WebRTC-direct connections')
      // Streams close when their request is answered: hold one open to look at the peer's end of it.
      const held = await device.libp2p.dialProtocol(target, BACKUP_PROTOCOL)
      const buffers = (): number[] => peer.helia.libp2p.getConnections(device.libp2p.peerId).flatMap((c) => c.streams)
        .map((s) => (s as unknown as { maxReadBufferLength?: number }).maxReadBufferLength ?? 0)
      await waitFor(() => buffers().length > 0, 5_000, 'the stream on the peer')
      assert.ok(buffers().every((n) => n === WEBRTC_READ_BUFFER_BYTES), `the peer's WebRTC streams buffer ${WEBRTC_READ_BUFFER_BYTES} bytes: ${buffers().join(', ')}`)
      held.abort(new Error('done looking'))
      assert.ok(peer.blockstore.stats().bytes >= file.bytes)

      // A stranger's WebRTC connection, never proved to belong to a paired vault, keeps libp2p's 4 MiB.
      const stranger = createNode({ allowPrivateAddresses: true }, { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore(), transports: [webRTCDirect({ rtcConfiguration: { iceServers: [] } })] })
      await stranger.start()
      try {
        const open = await stranger.libp2p.dialProtocol(target, BACKUP_PROTOCOL)
        const theirs = (): number[] => peer.helia.libp2p.getConnections(stranger.libp2p.peerId).flatMap((c) => c.streams)
          .map((s) => (s as unknown as { maxReadBufferLength?: number }).maxReadBufferLength ?? 0)
        await waitFor(() => theirs().length > 0, 5_000, 'the stranger\'s stream on the peer')
        assert.ok(theirs().every((n) => n === 4 * 2 ** 20), `a stranger's streams buffer 4 MiB: ${theirs().join(', ')}`)
        open.abort(new Error('done looking'))
      } finally {
        await stranger.stop()
      }
    } finally {
      await device.stop()
      await peer.stop()
    }
    try {
      // The certificate (so the certhash in the address) survives a restart: a pasted address keeps working.
      const certhash = (addresses: string[]): string | undefined => addresses.find((ma) => ma.includes('/certhash/'))?.split('/certhash/')[1]?.split('/')[0]
      const first = certhash(peer.multiaddrs)
      const again = await startPeer({ dataDir: dir.path, wsPort: 0, webrtcPort: 0 }, { log: createLogger({ level: 'silent' }) })
      await again.stop()
      assert.ok(first !== undefined)
      assert.equal(certhash(again.multiaddrs), first)
    } finally {
      await dir.cleanup()
    }
  })
})
