import { connect, createServer, isIPv6, type AddressInfo, type Socket } from 'node:net'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'

/**
 * A TCP proxy in front of the relay's WebSocket port, as a TLS terminator
 * would stand there: it passes bytes through and tells the relay who the
 * client is, either with a PROXY protocol v1 line or with an
 * X-Forwarded-For header added to the WebSocket upgrade request.
 */
export type ProxyMode = { proxyV1: string } | { forwardedFor: string }

export interface TestProxy {
  /** The relay's address through this proxy, e.g. /ip4/127.0.0.1/tcp/<proxy port>/ws/p2p/<relay>. */
  address: Multiaddr
  close: () => Promise<void>
}

/** Adds `X-Forwarded-For: value` after the request line of the first request. */
function injectHeader (client: Socket, upstream: Socket, value: string): void {
  let head = Buffer.alloc(0)
  const onData = (chunk: Buffer): void => {
    head = Buffer.concat([head, chunk])
    const end = head.indexOf('\r\n')
    if (end === -1) return
    client.off('data', onData)
    upstream.write(Buffer.concat([head.subarray(0, end + 2), Buffer.from(`X-Forwarded-For: ${value}\r\n`), head.subarray(end + 2)]))
    client.pipe(upstream)
  }
  client.on('data', onData)
}

export async function startTestProxy (relayWs: Multiaddr, mode: ProxyMode): Promise<TestProxy> {
  const parts = relayWs.getComponents()
  const value = (name: string): string => parts.find(c => c.name === name)?.value ?? ''
  const target = { host: value('ip4') || value('ip6'), port: Number(value('tcp')) }
  const peerId = value('p2p')
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => { client.destroy(); upstream.destroy() })
      s.on('close', () => { sockets.delete(s); client.destroy(); upstream.destroy() })
    }
    if ('proxyV1' in mode) {
      const family = isIPv6(mode.proxyV1) ? 'TCP6' : 'TCP4'
      upstream.write(`PROXY ${family} ${mode.proxyV1} ${family === 'TCP6' ? '::1' : '127.0.0.1'} ${client.remotePort ?? 0} ${target.port}\r\n`)
      client.pipe(upstream)
    } else {
      injectHeader(client, upstream, mode.forwardedFor)
    }
    upstream.pipe(client)
  })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const { port } = server.address() as AddressInfo
  return {
    address: multiaddr(`/ip4/127.0.0.1/tcp/${port}/ws/p2p/${peerId}`),
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
    }
  }
}
