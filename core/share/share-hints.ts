import { dialableHints } from './dial-policy.ts'

export interface ShareHintsInit {
  backupPeers: Array<{ peerId: string, address: string }>
  relays: string[]
  ownAddresses: string[]
  /**
   * Only addresses through a relay: the link then names the relay, never the
   * backup peer's own (LAN or home) address; the peer keeps a reservation on
   * the relay, so the link still works from anywhere.
   */
  relayOnly?: boolean
  /**
   * The host the app is served from. A recipient of a public app dials no
   * loopback or private-range address (dial-policy.ts), so such hints are left
   * out of its links: they would only tell the recipient about the sharer's LAN.
   */
  appHost?: string
}

/**
 * The fetch hints a new share link carries, best first (the link keeps at
 * most MAX_HINTS): each backup peer as it was paired, then the same peer
 * through each relay this device uses (a paired loopback or LAN address is
 * useless to a recipient elsewhere, while the peer keeps a reservation on
 * the relay), then this device's own relayed addresses (it serves the share
 * while it is online). Unreachable hints cost the recipient nothing: it
 * dials them all at once and asks whoever answers first.
 */
export function shareHints (init: ShareHintsInit): string[] {
  let hints: string[] = []
  for (const peer of init.backupPeers) hints.push(peer.address)
  for (const peer of init.backupPeers) {
    for (const relay of init.relays) {
      if (!relay.includes('/p2p/') || relay.includes('/p2p-circuit')) continue
      hints.push(`${relay}/p2p-circuit/p2p/${peer.peerId}`)
    }
  }
  hints.push(...init.ownAddresses.filter(address => address.includes('/p2p-circuit')))
  // A backup peer paired through a relay keeps its address: that one is relayed too.
  if (init.relayOnly === true) hints = hints.filter(hint => hint.includes('/p2p-circuit'))
  if (init.appHost !== undefined) hints = dialableHints(hints, init.appHost)
  return [...new Set(hints)]
}
