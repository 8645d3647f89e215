/**
 * The fetch hints a new share link carries, best first (the link keeps at
 * most MAX_HINTS): each backup peer as it was paired, then the same peer
 * through each relay this device uses (a paired loopback or LAN address is
 * useless to a recipient elsewhere, while the peer keeps a reservation on
 * the relay), then this device's own relayed addresses (it serves the share
 * while it is online). Unreachable hints cost the recipient nothing: it
 * dials them all at once and asks whoever answers first.
 */
export function shareHints (init: { backupPeers: Array<{ peerId: string, address: string }>, relays: string[], ownAddresses: string[] }): string[] {
  const hints: string[] = []
  for (const peer of init.backupPeers) hints.push(peer.address)
  for (const peer of init.backupPeers) {
    for (const relay of init.relays) {
      if (!relay.includes('/p2p/') || relay.includes('/p2p-circuit')) continue
      hints.push(`${relay}/p2p-circuit/p2p/${peer.peerId}`)
    }
  }
  hints.push(...init.ownAddresses.filter(address => address.includes('/p2p-circuit')))
  return [...new Set(hints)]
}
