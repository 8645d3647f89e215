import { multiaddr } from '@multiformats/multiaddr'
import { AddressInvalidError, PeerUnreachableError } from '../errors.ts'
import { pingPeer, type PingService } from './ping-peer.ts'
import type { CairnHelia } from './create-node.ts'
import type { PeerKeeper } from './peer-keeper.ts'
import type { TrafficMetrics } from './traffic-metrics.ts'
import type { ConnectionInfo, NetworkStatus, RelayPing } from '../rpc/api.ts'
import type { HandlerMap } from '../rpc/handlers.ts'
import type { Connection, Libp2p } from '@libp2p/interface'

export type NetworkMethods = 'network.status' | 'network.connect' | 'network.disconnect' | 'network.ping' | 'network.setRelays' | 'network.pingRelay'

export interface NetworkHandlerComponents {
  helia: CairnHelia
  keeper: PeerKeeper
  relays: () => string[]
  setRelays: (relays: string[]) => Promise<void>
  /** Fetch for the relay's HTTP /ping (injected: the platform's fetch). */
  fetch: typeof globalThis.fetch
  /** Bytes in/out per remote address, when the node counts them. */
  traffic?: TrafficMetrics
}

/** Round trips measured by pings, by peer id. */
const latencies = new Map<string, number>()

function connectionInfo (c: Connection, traffic?: TrafficMetrics): ConnectionInfo {
  const counted = traffic?.get(c.remoteAddr.toString())
  const relayed = c.remoteAddr.getComponents().some(part => part.name === 'p2p-circuit')
  const rtt = latencies.get(c.remotePeer.toString()) ?? c.rtt
  return {
    peerId: c.remotePeer.toString(),
    remoteAddr: c.remoteAddr.toString(),
    transport: relayed ? 'relayed' : 'direct',
    direction: c.direction,
    ...(rtt !== undefined ? { latencyMs: rtt } : {}),
    openedAt: c.timeline.open,
    ...(counted !== undefined ? { bytesIn: counted.bytesIn, bytesOut: counted.bytesOut } : {})
  }
}

function pingService (libp2p: Libp2p): PingService {
  // The ping service is registered by createNode; its type is erased by the light Helia wrapper.
  return (libp2p.services as { ping: PingService }).ping
}

export function networkStatus (c: NetworkHandlerComponents): NetworkStatus {
  const libp2p = c.helia.libp2p
  return {
    peerId: libp2p.peerId.toString(),
    multiaddrs: libp2p.getMultiaddrs().map(ma => ma.toString()),
    connections: libp2p.getConnections().filter(conn => conn.status === 'open').map(conn => connectionInfo(conn, c.traffic)),
    kept: c.keeper.status(),
    relays: c.relays()
  }
}

/**
 * Relay /ping lives on the relay's HTTP port; the app asks for it by URL
 * (`http://host:port/ping`), shown on the Peers page before dialling.
 */
async function pingRelay (c: NetworkHandlerComponents, url: string): Promise<RelayPing> {
  let response: Response
  try {
    response = await c.fetch(url, { signal: AbortSignal.timeout(5000) })
  } catch (err) {
    throw new PeerUnreachableError(`The relay at ${url} did not answer`, { cause: err })
  }
  if (!response.ok) throw new PeerUnreachableError(`The relay at ${url} answered ${response.status}`)
  return await response.json() as RelayPing
}

/** The Peers page's API: status, connect, disconnect, ping, relays. */
export function createNetworkHandlers (c: NetworkHandlerComponents): Pick<HandlerMap, NetworkMethods> {
  const libp2p = (): Libp2p => c.helia.libp2p
  return {
    'network.status': async () => networkStatus(c),
    'network.connect': async ({ address }) => {
      let ma
      try {
        ma = multiaddr(address.trim())
      } catch (err) {
        throw new AddressInvalidError(`That is not a multiaddr: ${address}`, { cause: err })
      }
      try {
        return connectionInfo(await libp2p().dial(ma, { signal: AbortSignal.timeout(15_000) }), c.traffic)
      } catch (err) {
        throw new PeerUnreachableError(`Could not connect to ${address}: ${(err as Error).message}`, { cause: err })
      }
    },
    'network.disconnect': async ({ peerId }) => {
      const connections = libp2p().getConnections().filter(conn => conn.remotePeer.toString() === peerId)
      await Promise.all(connections.map(async conn => { await conn.close() }))
    },
    'network.ping': async ({ peerId }) => {
      const connection = libp2p().getConnections().find(conn => conn.remotePeer.toString() === peerId && conn.status === 'open')
      if (connection === undefined) throw new PeerUnreachableError('Not connected to that peer')
      const latencyMs = await pingPeer(pingService(libp2p()), connection.remotePeer)
      latencies.set(peerId, latencyMs)
      return { latencyMs }
    },
    'network.setRelays': async ({ relays }) => {
      for (const relay of relays) {
        try {
          multiaddr(relay)
        } catch (err) {
          throw new AddressInvalidError(`That is not a multiaddr: ${relay}`, { cause: err })
        }
      }
      await c.setRelays(relays)
      return networkStatus(c)
    },
    'network.pingRelay': async ({ url }) => await pingRelay(c, url)
  }
}
