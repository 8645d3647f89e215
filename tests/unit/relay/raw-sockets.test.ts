import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { describe, it } from 'node:test'
import { createClient, eventually, startTestRelay, wsAddress, type Client } from './helpers.ts'

// Strangers who open TCP connections to the WebSocket port and never finish
// the HTTP upgrade (slowloris): before the upgrade libp2p's gater and its
// handshake timeout see nothing, so the relay must bound these itself.

/** Opens `count` TCP connections to `port` that send nothing; resolves once all are connected. */
async function idleSockets (port: number, count: number, localAddress = '127.0.0.1'): Promise<Socket[]> {
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

function wsPort (addrs: string[]): number {
  return Number(/\/tcp\/(\d+)\//.exec(wsAddress(addrs).toString())![1])
}

describe('relay: connections that never finish their WebSocket upgrade', { timeout: 60_000 }, () => {
  it('one address holds no more idle sockets than --max-connections-per-ip; another address still connects', async () => {
    const relay = await startTestRelay({ maxConnectionsPerIp: 4 })
    let sockets: Socket[] = []
    let client: Client | undefined
    try {
      // 127.0.0.2 is loopback too: the stranger's address; the client dials from 127.0.0.1.
      sockets = await idleSockets(wsPort(relay.multiaddrs), 12, '127.0.0.2')
      const closed = tracked(sockets)
      assert.ok(await eventually(() => closed() >= 8, 5_000), `the relay closed ${closed()} of 12 idle sockets from one address (cap 4)`)
      client = await createClient()
      await client.services.ping.ping(wsAddress(relay.multiaddrs), { signal: AbortSignal.timeout(5_000) })
    } finally {
      for (const socket of sockets) socket.destroy()
      await client?.stop()
      await relay.close()
    }
  })

  it('an idle socket is closed once the handshake time is up', async () => {
    const relay = await startTestRelay()
    let sockets: Socket[] = []
    try {
      sockets = await idleSockets(wsPort(relay.multiaddrs), 1)
      const closed = tracked(sockets)
      assert.ok(await eventually(() => closed() === 1, 30_000), 'the relay still holds a socket that never sent a byte')
    } finally {
      for (const socket of sockets) socket.destroy()
      await relay.close()
    }
  })

  it('idle sockets from many addresses together hold no more than --max-pending-connections', async () => {
    const relay = await startTestRelay({ maxPendingConnections: 4, maxConnectionsPerIp: 100 })
    const sockets: Socket[] = []
    try {
      const port = wsPort(relay.multiaddrs)
      for (let i = 2; i < 8; i++) sockets.push(...await idleSockets(port, 2, `127.0.0.${i}`))
      const closed = tracked(sockets)
      assert.ok(await eventually(() => closed() >= 8, 5_000), `the relay closed ${closed()} of 12 idle sockets (at most 4 may wait)`)
    } finally {
      for (const socket of sockets) socket.destroy()
      await relay.close()
    }
  })
})
