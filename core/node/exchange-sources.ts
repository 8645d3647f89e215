import type { Libp2p, PeerId } from '@libp2p/interface'

/**
 * The connected peers a device asks for blocks over the batched exchange
 * (exchange-reads.ts), in order: the vault's backup peers (which hold every
 * finished root), then its other member devices. Nobody else.
 */
export function exchangeSources (libp2p: Pick<Libp2p, 'getConnections'>, backupPeers: () => string[], isMember: (peer: string) => boolean): PeerId[] {
  const connected = new Map<string, PeerId>()
  for (const connection of libp2p.getConnections()) connected.set(connection.remotePeer.toString(), connection.remotePeer)
  const backups = new Set(backupPeers())
  const peers = [...connected.values()]
  return [...peers.filter(peer => backups.has(peer.toString())), ...peers.filter(peer => !backups.has(peer.toString()) && isMember(peer.toString()))]
}
