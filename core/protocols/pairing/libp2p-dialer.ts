import { multiaddr } from '@multiformats/multiaddr'
import type { PairingDialer } from './ports.ts'
import type { Libp2p } from '@libp2p/interface'

/**
 * The dialer of a libp2p node. Every offer address ends in `/p2p/<A>`, so
 * the dial itself fails unless Noise authenticates A; `remotePeer` is
 * returned as well so the exchange binds the PeerId libp2p actually saw.
 * Pairing runs on limited (relayed) connections too: its messages are small.
 */
export function libp2pDialer (libp2p: Pick<Libp2p, 'dial'>): PairingDialer {
  return {
    open: async (addresses, protocol, { signal }) => {
      const connection = await libp2p.dial(addresses.map(address => multiaddr(address)), { signal })
      const stream = await connection.newStream(protocol, { signal, runOnLimitedConnection: true })
      return { stream, remotePeer: connection.remotePeer.toString() }
    }
  }
}
