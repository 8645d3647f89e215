import { noise } from '@chainsafe/libp2p-noise'
import { circuitRelayServer, type CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { MemoryDatastore } from 'datastore-core'
import { createLibp2p, type Libp2p } from 'libp2p'
import { cairnYamux } from '../../core/node/stream-muxer.ts'
import { loadOrCreatePrivateKey } from '../shared/key-file.ts'
import { explainListenFailure, type ListenPort } from '../shared/listen-errors.ts'
import { createLogger, throttled, type Logger } from '../shared/log.ts'
import { CAIRN_VERSION } from '../shared/version.ts'
import { MemoryOfferDirectory, RendezvousService } from '../../core/protocols/pairing/device-pairing.ts'
import { CircuitCaps } from './circuit-caps.ts'
import { relayConfig, type RelayConfig } from './config.ts'
import { ConnectionCaps } from './connection-caps.ts'
import { webSocketsBehindProxies } from './forwarded-address.ts'
import { withJoinedSends } from '../shared/joined-sends.ts'
import { DEFAULT_WEBRTC_PENDING_PER_IP, withWebRTCDirectCaps } from '../shared/webrtc-direct-caps.ts'
import { REFUSAL_LOG_WINDOW_MS, SERVICE_NAME } from './constants.ts'
import { startHttpEndpoints, type HttpEndpoints, type RelayPingBody } from './http-server.ts'
import { ipKeyOf } from './ip.ts'
import { ReservationCaps } from './reservation-caps.ts'
import { withSocketCaps } from './socket-caps.ts'
import type { Identify } from '@libp2p/identify'
import type { Ping } from '@libp2p/ping'

/** A running relay. */
export interface RunningRelay {
  peerId: string
  /** Listen (or announced) multiaddrs, each ending in /p2p/<peerId>. */
  multiaddrs: string[]
  /** Base URL of /health and /ping, e.g. http://127.0.0.1:4102. */
  httpUrl: string
  /** The resolved configuration it runs with. */
  config: RelayConfig
  /** Live counters, for logs and tests. */
  stats: () => RelayStats
  /** Stops libp2p and the HTTP endpoints. Safe to call twice. */
  stop: () => Promise<void>
}

export interface RelayStats {
  connections: number
  reservations: number
  relayedConnections: number
  /** Short pairing codes the rendezvous keeps now. */
  shortCodes: number
}

export interface StartRelayOptions {
  /** Logger; default: JSON lines on stderr at config.logLevel. */
  log?: Logger
}

type RelayServices = { identify: Identify, ping: Ping, relay: CircuitRelayService }

/** The ports the relay binds, each with the option that sets it (to name a taken one). */
function listenPorts (config: RelayConfig): ListenPort[] {
  return [
    { flag: '--ws-port', protocol: 'tcp', host: config.host, port: config.wsPort },
    ...(config.webrtcDirect ? [{ flag: '--webrtc-port', protocol: 'udp' as const, host: config.host, port: config.webrtcPort }] : []),
    { flag: '--http-port', protocol: 'tcp', host: config.host, port: config.httpPort }
  ]
}

/** The capability words of GET /ping (and what the caps behind them are). */
function capabilities (config: RelayConfig): string[] {
  return [
    'circuit-relay-v2',
    // No libp2p Limit on reservations: relayed connections are not "limited",
    // so bitswap runs over them; our own caps apply (see `limits`).
    'unlimited-relay',
    'identify',
    'ping',
    'websocket',
    'rendezvous',
    ...(config.webrtcDirect ? ['webrtc-direct'] : [])
  ]
}

/**
 * Starts the Cairn relay: a libp2p node with a circuit relay v2 hop service
 * (no default limit, our own caps), identify and ping, listening on
 * WebSocket and WebRTC-direct, plus HTTP /health and /ping. Nothing is stored
 * but the key file; the datastore is in memory.
 */
export async function startRelay (partial: Partial<RelayConfig> = {}, options: StartRelayOptions = {}): Promise<RunningRelay> {
  const config = relayConfig(partial)
  const log = options.log ?? createLogger({ level: config.logLevel, name: SERVICE_NAME })
  const key = await loadOrCreatePrivateKey(config.keyFile)
  if (key.created) log.info('made a new relay key', { keyFile: config.keyFile })
  if (key.looseMode !== undefined) log.warn('the key file is readable by other users; chmod 600 it', { keyFile: config.keyFile, mode: key.looseMode.toString(8) })

  const connectionCaps = new ConnectionCaps({ ...config, log: log.child('caps') })
  const reservationCaps = new ReservationCaps({ ...config, log: log.child('caps') })
  const circuitCaps = new CircuitCaps({ ...config, log: log.child('caps') })
  const ip = config.host.includes(':') ? 'ip6' : 'ip4'
  const relayFactory = circuitRelayServer({
    reservations: {
      maxReservations: config.maxReservations,
      // The default 128 KiB / 2 min limit breaks bitswap (DESIGN §6); CircuitCaps caps instead.
      applyDefaultLimit: false
    },
    maxOutboundStopStreams: config.maxRelayedConnections
  })

  const node: Libp2p<RelayServices> = await createLibp2p<RelayServices>({
    privateKey: key.privateKey,
    datastore: new MemoryDatastore(),
    nodeInfo: { name: SERVICE_NAME, version: CAIRN_VERSION },
    addresses: {
      listen: [
        `/${ip}/${config.host}/tcp/${config.wsPort}/ws`,
        ...(config.webrtcDirect ? [`/${ip}/${config.host}/udp/${config.webrtcPort}/webrtc-direct`] : [])
      ],
      ...(config.announce.length > 0 ? { announce: config.announce } : {})
    },
    // @libp2p/webrtc (node-datachannel) is loaded only when WebRTC-direct is on.
    // Joined sends: a forwarded write leaves as a few WebSocket messages, not one per Noise length prefix and yamux header (relay-server/shared/joined-sends.ts).
    // WebRTC-direct caps: handshakes in flight, each a native peer connection built before the gater sees it (webrtc-direct-caps.ts).
    // Socket caps: what arrives before the WebSocket upgrade, which libp2p's gater never sees (socket-caps.ts).
    transports: [withJoinedSends(withSocketCaps(webSocketsBehindProxies({ trustedProxies: config.trustedProxy, log: log.child('proxy') }), { ...config, trustedProxies: config.trustedProxy, log: log.child('caps') })), ...(config.webrtcDirect ? [withWebRTCDirectCaps((await import('@libp2p/webrtc')).webRTCDirect(), { maxPendingConnections: config.maxPendingConnections, maxPendingPerIp: DEFAULT_WEBRTC_PENDING_PER_IP, log: log.child('caps') })] : [])],
    connectionEncrypters: [noise()],
    // Cairn's window (core/node/stream-muxer.ts): a relayed stream carries whole bitswap messages.
    streamMuxers: [cairnYamux()],
    connectionManager: {
      maxConnections: config.maxConnections,
      maxIncomingPendingConnections: config.maxPendingConnections,
      inboundConnectionThreshold: config.connectionRatePerIp
    },
    connectionGater: {
      denyInboundConnection: (maConn) => connectionCaps.denyInboundConnection(maConn),
      denyInboundEncryptedConnection: (peer, maConn) => connectionCaps.denyInboundEncryptedConnection(peer, maConn),
      denyInboundRelayReservation: (peer) => reservationCaps.denyInboundRelayReservation(peer),
      denyOutboundRelayedConnection: (source, destination) => circuitCaps.denyOutboundRelayedConnection(source, destination),
      // The relay never dials anyone of its own accord.
      denyDialMultiaddr: () => true
    },
    services: {
      identify: identify(),
      ping: ping(),
      // The relay service sees a connection manager whose STOP streams CircuitCaps counts, and a registrar that tells it each STOP stream's HOP stream.
      relay: (components): CircuitRelayService => {
        const connectionManager = circuitCaps.wrapConnectionManager(components.connectionManager)
        const registrar = circuitCaps.wrapRegistrar(components.registrar)
        return relayFactory(new Proxy(components, {
          get: (target, prop, receiver) => prop === 'connectionManager' ? connectionManager : prop === 'registrar' ? registrar : Reflect.get(target, prop, receiver)
        }))
      }
    }
  }).catch(async (err: unknown) => {
    // libp2p has stopped what it started; a taken port is named in one line, with its option.
    throw await explainListenFailure(err, listenPorts(config))
  })
  reservationCaps.attach({ reservations: node.services.relay.reservations, connectionsOf: (peer) => node.getConnections(peer) })
  node.addEventListener('peer:disconnect', (evt) => { reservationCaps.dropReservation(evt.detail) })
  const connectionLog = log.child('connections')
  node.addEventListener('connection:open', (evt) => { connectionLog.debug('open', { peer: evt.detail.remotePeer.toString(), addr: evt.detail.remoteAddr.toString() }) })
  node.addEventListener('connection:close', (evt) => { connectionLog.debug('closed', { peer: evt.detail.remotePeer.toString(), addr: evt.detail.remoteAddr.toString() }) })

  // Short pairing codes (/cairn/rendezvous/1): sealed offers in memory only, capped and gone after 15 minutes at most.
  // Anyone may publish, so the directory bounds each peer's and each IP key's share (as the caps count them) and their lookups.
  const rendezvousLog = log.child('rendezvous')
  const offers = new MemoryOfferDirectory()
  const rendezvous = new RendezvousService({
    registrar: node,
    directory: offers,
    log: { info: rendezvousLog.info, warn: throttled(rendezvousLog.warn, REFUSAL_LOG_WINDOW_MS) },
    ipKeyOf
  })
  await rendezvous.start()

  const peerId = node.peerId.toString()
  const multiaddrs = (): string[] => node.getMultiaddrs().map(ma => ma.toString())
  const stats = (): RelayStats => ({
    connections: node.getConnections().length,
    reservations: node.services.relay.reservations.size,
    relayedConnections: circuitCaps.size,
    shortCodes: offers.size
  })
  let http: HttpEndpoints
  try {
    http = await startHttpEndpoints({
      host: config.host,
      port: config.httpPort,
      version: CAIRN_VERSION,
      log: log.child('http'),
      trustedProxies: config.trustedProxy,
      ping: (): RelayPingBody => ({
        service: SERVICE_NAME,
        version: CAIRN_VERSION,
        peerId,
        multiaddrs: multiaddrs(),
        capabilities: capabilities(config),
        limits: {
          maxReservations: config.maxReservations,
          maxReservationsPerIp: config.maxReservationsPerIp,
          maxConnections: config.maxConnections,
          maxConnectionsPerIp: config.maxConnectionsPerIp,
          maxConnectionsPerPeer: config.maxConnectionsPerPeer,
          maxRelayedConnections: config.maxRelayedConnections,
          maxRelayedConnectionsPerPeer: config.maxRelayedConnectionsPerPeer,
          maxRelayedConnectionsPerIp: config.maxRelayedConnectionsPerIp,
          relayMaxBytes: config.relayMaxBytes,
          relayMaxDurationMs: config.relayMaxDuration
        }
      })
    })
  } catch (err) {
    await node.stop()
    throw await explainListenFailure(err, listenPorts(config))
  }

  let stopping: Promise<void> | undefined
  return {
    peerId,
    multiaddrs: multiaddrs(),
    httpUrl: http.url,
    config,
    stats,
    stop: async () => {
      stopping ??= (async () => {
        await Promise.allSettled([http.close(), node.stop()])
      })()
      await stopping
    }
  }
}
