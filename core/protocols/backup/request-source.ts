import type { PairingSource } from './pairing-limiter.ts'
import type { Connection } from '@libp2p/interface'

/**
 * Who sent a request: the remote PeerId, and the IP of a direct connection.
 * A relayed connection's address names the relay, whose IP every relayed
 * stranger shares, so it carries no IP (its peer is still limited).
 */
export function requestSource (connection: Pick<Connection, 'remotePeer' | 'remoteAddr'>): PairingSource {
  const peer = connection.remotePeer.toString()
  const parts = connection.remoteAddr.getComponents()
  if (parts.some(part => part.name === 'p2p-circuit')) return { peer }
  const ip = parts.find(part => part.name === 'ip4' || part.name === 'ip6')?.value
  return ip !== undefined ? { peer, ip } : { peer }
}
