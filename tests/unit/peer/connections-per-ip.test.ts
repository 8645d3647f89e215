import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { webRTCDirect } from '@libp2p/webrtc'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { cleanup } from 'node-datachannel'
import { sleep } from '../../../core/backoff.ts'
import { createNode } from '../../../core/node/create-node.ts'
import { MAX_CONNECTIONS_PER_IP } from '../../../relay-server/peer/constants.ts'
import { startPeer } from '../../../relay-server/peer/start-peer.ts'
import { createLogger } from '../../../relay-server/shared/log.ts'
import { tempDir } from './support.ts'

// libp2p refuses every inbound connection once the peer holds maxConnections
// (300), its owner's devices too; one stranger's address must not be able to
// take them all. WebSocket sockets are capped per address before the
// upgrade; WebRTC-direct connections must be counted as well.

describe('cairn-peer: connections from one address', { timeout: 120_000 }, () => {
  // The refused dials can leave native WebRTC threads that keep this test process
  // alive after everything stopped (the bins end with process.exit()).
  after(() => { cleanup() })

  it('one address holds at most MAX_CONNECTIONS_PER_IP WebRTC-direct connections', async () => {
    const dir = await tempDir()
    const peer = await startPeer({ dataDir: dir.path, wsPort: 0, webrtcPort: 0 }, { log: createLogger({ level: 'silent' }) })
    const stranger = createNode({ allowPrivateAddresses: true }, { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore(), transports: [webRTCDirect({ rtcConfiguration: { iceServers: [] } })] })
    await stranger.start()
    try {
      const address = multiaddr(peer.multiaddrs.find((a) => a.includes('/webrtc-direct/')) as string)
      const wanted = MAX_CONNECTIONS_PER_IP + 8
      for (let i = 0; i < wanted; i++) {
        await stranger.libp2p.dial(address, { force: true, signal: AbortSignal.timeout(10_000) }).catch(() => {})
        // libp2p's own rate cap (5 new connections a second per address) is not what this tests.
        await sleep(250)
      }
      const held = peer.helia.libp2p.getConnections().filter((c) => c.remoteAddr.toString().startsWith('/ip4/127.0.0.1/')).length
      assert.ok(held <= MAX_CONNECTIONS_PER_IP, `the peer holds ${held} connections from one address (cap ${MAX_CONNECTIONS_PER_IP})`)
    } finally {
      await stranger.stop()
      await peer.stop()
      await dir.cleanup()
    }
  })
})
