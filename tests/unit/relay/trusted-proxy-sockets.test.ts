import assert from 'node:assert/strict'
import { connect, createServer, type AddressInfo, type Socket } from 'node:net'
import { describe, it } from 'node:test'
import { readHead } from '../../../relay-server/relay/forwarded-address.ts'
import { eventually, startTestRelay, tryClients, wsAddress, type Client } from './helpers.ts'
import { startTestProxy } from './test-proxy.ts'

// What a trusted proxy's raw socket can do to the relay while it reads the
// first bytes for a PROXY line: a reset must cost that socket only. An
// 'error' event with no listener would be thrown and end the relay process.

/** A listening server like the relay's (paused sockets), and a client socket connected to it. */
async function socketPair (): Promise<{ server: Socket, client: Socket, close: () => Promise<void> }> {
  let accepted!: (socket: Socket) => void
  const serverSide = new Promise<Socket>((resolve) => { accepted = resolve })
  const listener = createServer({ pauseOnConnect: true }, accepted)
  await new Promise<void>((resolve) => { listener.listen(0, '127.0.0.1', resolve) })
  const client = connect((listener.address() as AddressInfo).port, '127.0.0.1')
  client.on('error', () => {})
  const server = await serverSide
  return { server, client, close: async () => { client.destroy(); server.destroy(); await new Promise<void>((resolve) => { listener.close(() => { resolve() }) }) } }
}

describe('relay: reading a trusted proxy\'s PROXY line', () => {
  it('a socket reset halfway through the line ends that read, and nothing is thrown', async () => {
    const pair = await socketPair()
    const uncaught: unknown[] = []
    const onUncaught = (err: unknown): void => { uncaught.push(err) }
    process.on('uncaughtException', onUncaught)
    try {
      const head = readHead(pair.server)
      pair.client.write('PROXY TCP4 203.0.113')
      // The partial line is read and the relay waits for the rest.
      assert.ok(await eventually(() => pair.server.bytesRead >= 20 && pair.server.listenerCount('readable') > 0))
      pair.client.resetAndDestroy()
      assert.equal(await head, undefined, 'the read ends as for a closed socket')
      assert.deepEqual(uncaught.map(e => (e as NodeJS.ErrnoException).code), [])
    } finally {
      process.off('uncaughtException', onUncaught)
      await pair.close()
    }
  })
})

describe('relay: naming the trusted proxy', { timeout: 60_000 }, () => {
  it('--trusted-proxy matches an IPv6 proxy written in any valid form (0:0:0:0:0:0:0:1 is ::1)', async () => {
    const relay = await startTestRelay({ host: '::1', maxConnectionsPerIp: 1, trustedProxy: ['0:0:0:0:0:0:0:1'] })
    const clients: Client[] = []
    const proxies = await Promise.all(['203.0.113.5', '203.0.113.6'].map(async forwardedFor => await startTestProxy(wsAddress(relay.multiaddrs), { forwardedFor })))
    try {
      // Two clients behind the proxy: each has its own count only if the proxy is recognised.
      for (const proxy of proxies) {
        const [client] = await tryClients(1, [], proxy.address)
        assert.ok(client !== undefined, `a client forwarded by the proxy connects (${proxy.address.toString()})`)
        clients.push(client)
      }
    } finally {
      await Promise.allSettled(clients.map(async c => { await c.stop() }))
      await Promise.allSettled(proxies.map(async p => { await p.close() }))
      await relay.close()
    }
  })
})
