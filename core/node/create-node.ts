import { noise, type ICryptoInterface } from '@chainsafe/libp2p-noise'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { deviceKey } from './device-key.ts'
import { createHeliaLight } from 'helia'
import { BitswapArrivals, withBitswapArrivals } from './bitswap-arrivals.ts'
import { withUncheckedServing } from './bitswap-serving.ts'
import { cairnYamux } from './stream-muxer.ts'
import type { Helia } from '@helia/interface'
import type { HeliaWithLibp2p } from '@helia/libp2p'
import type { ComponentLogger, ConnectionGater, Metrics } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'
import type { Libp2pOptions } from 'libp2p'

/** What differs between a Cairn node and another: addresses and limits. */
export interface NodeInit {
  /** Multiaddrs to listen on (a browser listens on nothing, or '/p2p-circuit' later). */
  listen?: string[]
  /** Multiaddrs to announce instead of the listen addresses (a server behind a TLS proxy). */
  announce?: string[]
  /** Human name sent in identify, e.g. 'cairn-browser'. */
  agentName?: string
  /**
   * Allow dialling private and loopback addresses. Browsers refuse them by
   * default; Cairn dials only addresses the user configured (their relay,
   * their backup peer), which are often on a LAN or localhost.
   */
  allowPrivateAddresses?: boolean
  /** Inbound connections one host may open per second (libp2p's default is 5). */
  inboundConnectionsPerSecond?: number
}

/**
 * The parts a platform hands in (DESIGN §1: browser and Node differ only here).
 * Transports are libp2p transport factories, e.g. `webSockets()` in a browser.
 */
export interface NodeComponents {
  blockstore: Blockstore
  datastore: Datastore
  /** libp2p's own factory type: each transport asks for the libp2p components it needs. */
  transports: NonNullable<Libp2pOptions['transports']>
  connectionGater?: ConnectionGater
  logger?: ComponentLogger
  /** Collects connection metrics (the Peers page's bytes in/out: core/node/traffic-metrics.ts). */
  metrics?: Metrics
  /** Noise's cipher: a browser hands in libsodium's (wasm-noise-cipher.ts); absent, Noise's default (native in Node). */
  noiseCrypto?: ICryptoInterface
}

export type CairnHelia = HeliaWithLibp2p<Record<string, unknown>> & Helia

/**
 * Assembles Helia from the light constructors with our own libp2p config: no
 * public bootstrap list, no delegated routing, no public gateways (DESIGN §6).
 * The node is returned stopped; call `start()`.
 */
export function createNode (init: NodeInit, components: NodeComponents): CairnHelia {
  const arrivals = new BitswapArrivals()
  const light = createHeliaLight({
    blockstore: components.blockstore,
    // A block bitswap just hashed is not hashed again to check it (bitswap-arrivals.ts).
    hashers: [arrivals.hasher],
    datastore: components.datastore,
    ...(components.logger !== undefined ? { logger: components.logger } : {})
  })
  const withP2p = withLibp2pLight(light, {
    addresses: { listen: init.listen ?? [], ...(init.announce !== undefined && init.announce.length > 0 ? { announce: init.announce } : {}) },
    nodeInfo: { name: init.agentName ?? 'cairn' },
    transports: [...components.transports, circuitRelayTransport()],
    connectionEncrypters: [noise(components.noiseCrypto !== undefined ? { crypto: components.noiseCrypto } : {})],
    ...(components.metrics !== undefined ? { metrics: () => components.metrics as Metrics } : {}),
    streamMuxers: [cairnYamux()],
    ...(init.inboundConnectionsPerSecond !== undefined ? { connectionManager: { inboundConnectionThreshold: init.inboundConnectionsPerSecond } } : {}),
    connectionGater: {
      ...(init.allowPrivateAddresses === true ? { denyDialMultiaddr: async () => false } : {}),
      ...components.connectionGater
    },
    services: {
      identify: identify(),
      ping: ping(),
      // Device book records are signed with the PeerId's key (core/crypto/box-key-signature.ts).
      deviceKey: deviceKey()
    }
  })
  // After bitswap: its serving side exists once bitswap's mixin has started.
  return withBitswapArrivals(withUncheckedServing(withBitswap(withP2p)), arrivals) as CairnHelia
}
