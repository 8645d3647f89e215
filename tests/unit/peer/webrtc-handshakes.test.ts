import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { webRTCDirect } from '@libp2p/webrtc'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { createNode, type CairnHelia } from '../../../core/node/create-node.ts'
import { startPeer } from '../../../relay-server/peer/start-peer.ts'
import { createLogger } from '../../../relay-server/shared/log.ts'
import { countPeerConnections, floodStun, randomUfrag, webrtcPort } from '../support/stun-flood.ts'
import { eventually, tempDir } from './support.ts'

// The backup peer listens on WebRTC-direct to anyone: each STUN packet with
// a new ufrag costs it a native peer connection before libp2p's gater sees it.

describe('cairn-peer: a flood of WebRTC-direct handshakes', { timeout: 60_000 }, () => {
  it('one address gets a few handshakes at once, not one per packet; a device from another address still connects', async () => {
    const dir = await tempDir()
    const peer = await startPeer({ dataDir: dir.path, wsPort: 0, webrtcPort: 0 }, { log: createLogger({ level: 'silent' }) })
    const ufrags = Array.from({ length: 300 }, randomUfrag)
    const counter = countPeerConnections(ufrags)
    let device: CairnHelia | undefined
    try {
      // 127.0.0.2 is loopback too: the stranger's address; the device dials from 127.0.0.1.
      await floodStun(webrtcPort(peer.multiaddrs), ufrags, '127.0.0.2')
      await eventually(() => counter.built() >= ufrags.length, 3_000)
      assert.ok(counter.built() <= 8, `the peer built ${counter.built()} peer connections for 300 packets from one address`)

      device = createNode({ allowPrivateAddresses: true }, { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore(), transports: [webRTCDirect({ rtcConfiguration: { iceServers: [] } })] })
      await device.start()
      const address = peer.multiaddrs.find((a) => a.includes('/webrtc-direct/'))
      assert.ok(address !== undefined)
      const connection = await device.libp2p.dial(multiaddr(address))
      assert.equal(connection.remotePeer.toString(), peer.peerId)
    } finally {
      counter.stop()
      await device?.stop()
      await peer.stop()
      await dir.cleanup()
    }
  })
})
