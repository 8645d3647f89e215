import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { createHeliaLight } from 'helia'
import type { CairnHelia, NodeComponents, NodeInit } from '../../../core/node/create-node.ts'

/** Yamux's default first receive window is 256 KiB, one UnixFS block. */
export const WIDE_WINDOW = 4 * 1024 * 1024

/**
 * Prototype: core/node/create-node.ts's `createNode` with one change, a
 * yamux receive window that starts at {@link WIDE_WINDOW} instead of
 * 256 KiB. The receiver sets the window, so this prices a wider window on
 * the side that downloads (a restoring browser).
 */
export function createWideWindowNode (init: NodeInit, components: NodeComponents): CairnHelia {
  const light = createHeliaLight({ blockstore: components.blockstore, datastore: components.datastore })
  const withP2p = withLibp2pLight(light, {
    addresses: { listen: init.listen ?? [] },
    nodeInfo: { name: init.agentName ?? 'cairn' },
    transports: [...components.transports, circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ streamOptions: { initialStreamWindowSize: WIDE_WINDOW } })],
    connectionGater: init.allowPrivateAddresses === true ? { denyDialMultiaddr: async () => false } : {},
    services: { identify: identify(), ping: ping() }
  })
  return withBitswap(withP2p) as CairnHelia
}
