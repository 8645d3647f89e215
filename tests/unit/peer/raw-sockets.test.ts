import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { startPeer, type RunningPeer } from '../../../relay-server/peer/start-peer.ts'
import { createLogger } from '../../../relay-server/shared/log.ts'
import { eventually, startDevice, tempDir } from './support.ts'
import type { CairnHelia } from '../../../core/node/create-node.ts'

// The backup peer's WebSocket port is open to anyone. A TCP connection that
// never sends its HTTP upgrade is invisible to libp2p (its gater, pending
// count and handshake timeout start after the upgrade), so the peer must
// bound such sockets itself, or one stranger holds its file descriptors.

async function idleSockets (port: number, count: number, localAddress: string): Promise<Socket[]> {
  return await Promise.all(Array.from({ length: count }, async () => await new Promise<Socket>((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress }, () => { resolve(socket) })
    socket.once('error', reject)
  })))
}

function tracked (sockets: Socket[]): () => number {
  let closed = 0
  for (const socket of sockets) {
    socket.on('error', () => {})
    socket.once('close', () => { closed++ })
  }
  return () => closed
}

function wsPort (peer: RunningPeer): number {
  const found = peer.multiaddrs.map((a) => /\/tcp\/(\d+)\/ws/.exec(a)).find((m) => m !== null)
  assert.ok(found != null, `a WebSocket address: ${peer.multiaddrs.join(' ')}`)
  return Number(found[1])
}

describe('cairn-peer: connections that never finish their WebSocket upgrade', { timeout: 60_000 }, () => {
  it('one address holds a bounded number of idle sockets, each closed in time; a device from another address still connects', async () => {
    const dir = await tempDir()
    const peer = await startPeer({ dataDir: dir.path, wsPort: 0, webrtcDirect: false }, { log: createLogger({ level: 'silent' }) })
    let sockets: Socket[] = []
    let device: CairnHelia | undefined
    try {
      // 127.0.0.2 is loopback too: the stranger's address; the device dials from 127.0.0.1.
      sockets = await idleSockets(wsPort(peer), 100, '127.0.0.2')
      const closed = tracked(sockets)
      assert.ok(await eventually(() => closed() >= 60, 5_000), `the peer closed ${closed()} of 100 idle sockets from one address`)
      assert.ok(await eventually(() => closed() === 100, 30_000), `the peer still holds ${100 - closed()} sockets that never sent a byte`)

      device = await startDevice()
      const address = peer.multiaddrs.find((a) => a.includes('/ws/'))
      assert.ok(address !== undefined)
      const connection = await device.libp2p.dial(multiaddr(address))
      assert.equal(connection.remotePeer.toString(), peer.peerId)
    } finally {
      for (const socket of sockets) socket.destroy()
      await device?.stop()
      await peer.stop()
      await dir.cleanup()
    }
  })
})
