import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { isIPv6 } from 'node:net'
import { webRTCDirect } from '@libp2p/webrtc'
import { CairnError } from '../../core/errors.ts'
import { createNode, type CairnHelia, type NodeComponents } from '../../core/node/create-node.ts'
import { PeerKeeper } from '../../core/node/peer-keeper.ts'
import { gateBitswapAtStart } from '../../core/protocols/backup/index.ts'
import type { PackBlockstore } from '../../core/storage/pack-blockstore.ts'
import { explainListenFailure, type ListenPort } from '../shared/listen-errors.ts'
import { createLogger, type Logger } from '../shared/log.ts'
import { nodeWebSockets } from '../shared/node-websockets.ts'
import { DEFAULT_WEBRTC_PENDING, DEFAULT_WEBRTC_PENDING_PER_IP, withWebRTCDirectCaps } from '../shared/webrtc-direct-caps.ts'
import { CAIRN_VERSION } from '../shared/version.ts'
import { DurableBlockstore } from '../storage/durable-blockstore.ts'
import { createFsBlockstore } from '../storage/fs-blockstore.ts'
import { ConnectionCaps } from '../relay/connection-caps.ts'
import { withSocketCaps } from '../relay/socket-caps.ts'
import { SqliteDatastore } from '../storage/sqlite-datastore.ts'
import { defaultBackupFactory } from './backup-factory.ts'
import type { BackupHost, BackupHostFactory } from './backup-host.ts'
import { peerConfig, type PeerConfig } from './config.ts'
import { MAX_CONNECTIONS_PER_IP, MAX_PENDING_SOCKETS, NEW_CONNECTIONS_PER_SECOND_PER_IP, RELAY_RESERVATION_WAIT_MS, SERVICE_NAME, WEBRTC_READ_BUFFER_BYTES } from './constants.ts'
import { ControlServer, controlSocketPath } from './control-socket.ts'
import { libp2pLogger } from './libp2p-logger.ts'
import { peerStatus, type PeerStatus } from './peer-status.ts'
import { withCertificateKeychain } from './webrtc-certificate.ts'

/** A running backup peer. */
export interface RunningPeer {
  peerId: string
  /** Every address it can be dialled on, each ending in /p2p/<peerId>. */
  multiaddrs: string[]
  /** A one-time pairing code made at start while no vault is paired; null otherwise. */
  pairingCode: string | null
  /** A new one-time pairing code, as `cairn-peer pair` makes (throws NODE_UNAVAILABLE without a backup service). */
  createPairingCode: () => Promise<string>
  /** The absolute data directory. */
  dataDir: string
  /** Where `cairn-peer pair`/`status` reach this process. */
  controlSocket: string
  /** The node itself (tests and `npm start` may look at it). */
  helia: CairnHelia
  /** The pack blockstore under the node (its `flush()` and `stats()`). */
  blockstore: PackBlockstore
  /** The datastore under the node. */
  datastore: SqliteDatastore
  /** What `cairn-peer status` prints. */
  status: () => Promise<PeerStatus>
  /** Stops everything in order and closes the stores; safe to call twice. */
  stop: () => Promise<void>
}

/** What a caller may hand to {@link startPeer} besides the configuration. */
export interface StartPeerOptions {
  /** Where log lines go; default: JSON lines on stderr at `config.logLevel`. */
  log?: Logger
  /**
   * Builds the backup service; default: core/protocols/backup's BackupService.
   * `null` runs the node without it (it stores blocks, serves them to nobody, pairs nobody).
   */
  backup?: BackupHostFactory | null
}

/**
 * Starts an always-on backup peer (DESIGN §5–6): the same core node as the
 * browser's, on a filesystem pack blockstore and a SQLite datastore in
 * `config.dataDir`, listening on WebSocket and WebRTC-direct, with a relay
 * reservation as a fallback address, hosting the backup service, and
 * answering `cairn-peer pair`/`status` on its control socket.
 */
export async function startPeer (partial: Partial<PeerConfig> = {}, options: StartPeerOptions = {}): Promise<RunningPeer> {
  const config = peerConfig(partial)
  const log = options.log ?? createLogger({ level: config.logLevel, name: SERVICE_NAME })
  const dataDir = resolve(config.dataDir)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })

  // Bound first: it is the data directory's lock, so nothing below opens a
  // store another peer is using.
  const control = await ControlServer.listen(controlSocketPath(dataDir))
  const cleanups: Array<[string, () => Promise<void>]> = [['control socket', async () => { await control.close() }]]
  const unwind = async (): Promise<void> => {
    for (const [what, cleanup] of cleanups.reverse()) {
      await cleanup().catch((err: unknown) => { log.error(`could not stop the ${what}`, { err }) })
    }
  }

  try {
    const datastore = new SqliteDatastore({ path: join(dataDir, 'datastore', 'datastore.sqlite') })
    await datastore.open()
    cleanups.push(['datastore', async () => { await datastore.close() }])
    const blockstore = await createFsBlockstore(join(dataDir, 'blocks'))
    cleanups.push(['block store', async () => { await blockstore.stop() }])
    if (blockstore.recovery !== undefined && (blockstore.recovery.droppedRecords > 0 || blockstore.recovery.truncatedPackBytes > 0 || blockstore.recovery.truncatedJournalBytes > 0)) {
      log.warn('repaired the block store after an unclean stop', { ...blockstore.recovery })
    }
    if (blockstore.recovery !== undefined && blockstore.recovery.salvagedJournals.length > 0) {
      log.warn('rebuilt lost journal records from the saved index', { files: blockstore.recovery.salvagedJournals, blocks: blockstore.recovery.salvagedBlocks })
    }
    if (blockstore.recovery !== undefined && blockstore.recovery.repairedHeaders.length > 0) {
      log.warn('mended damaged file headers in the block store', { files: blockstore.recovery.repairedHeaders })
    }
    if (blockstore.recovery !== undefined && !blockstore.recovery.savedIndex && blockstore.recovery.replayedRecords > 0) {
      log.info('rebuilt the block index from the journals (no sound saved index)', { blocks: blockstore.stats().blocks, records: blockstore.recovery.replayedRecords })
    }

    const helia = createNode({
      listen: listenAddresses(config),
      announce: config.announce,
      agentName: SERVICE_NAME,
      // The peer dials only what its operator configured (relays), often on a LAN or localhost.
      allowPrivateAddresses: true
    }, {
      // Durable puts: the backup state in the datastore must never name a block a crash could lose.
      blockstore: new DurableBlockstore(blockstore),
      datastore,
      transports: transports(config, log.child('caps')),
      // Per-address caps on upgraded connections (every transport, WebRTC-direct too): past libp2p's
      // maxConnections it refuses everyone, the owner's devices too, so one address must not fill it.
      connectionGater: peerConnectionGater(log.child('caps')),
      logger: libp2pLogger(log.child('libp2p'), { debug: config.logLevel === 'debug' })
    })
    // Bitswap is gated as it starts: a stranger answered before the backup service
    // starts (or on a peer without one) must not see every block; the service sets the policy.
    gateBitswapAtStart(helia)
    // libp2p has stopped what it started; a refused port is named in one line, with its option.
    await helia.start().catch(async (err: unknown) => { throw await explainListenFailure(err, listenPorts(config)) })
    cleanups.push(['node', async () => { await helia.stop() }])
    const peerId = helia.libp2p.peerId.toString()

    const keeper = new PeerKeeper({ libp2p: helia.libp2p, log: log.child('relays') })
    for (const relay of config.relay) keeper.keep(relay)
    keeper.start()
    cleanups.push(['relay keeper', async () => { keeper.stop() }])

    let backup: BackupHost | undefined
    const makeBackup = options.backup === undefined ? defaultBackupFactory : options.backup
    if (makeBackup !== null) {
      backup = makeBackup({ helia, datastore, blockstore, log: log.child('backup') }, {
        quotaBytes: config.quotaPerVault,
        concurrency: config.fetchConcurrency,
        retentionMs: config.retention,
        pairingCodeTtlMs: config.pairingCodeTtl,
        ...(config.webrtcDirect ? { provenReadBufferBytes: WEBRTC_READ_BUFFER_BYTES } : {}),
        appendOnly: config.appendOnly,
        maxRoots: config.maxRootsPerVault
      })
      await backup.start()
      const service = backup
      cleanups.push(['backup service', async () => { await service.stop() }])
    } else {
      log.warn('started without a backup service: the peer stores blocks but serves none and cannot be paired')
    }

    if (config.relay.length > 0) await waitForRelayAddresses(helia, config.relay, RELAY_RESERVATION_WAIT_MS, log)

    const pairingCode = backup !== undefined ? await backup.startupPairingCode() : null
    const status = async (): Promise<PeerStatus> => peerStatus({ helia, blockstore, keeper, backup, dataDir, version: CAIRN_VERSION })
    const createPairingCode = async (): Promise<string> => {
      if (backup === undefined) throw new CairnError('NODE_UNAVAILABLE', 'This peer has no backup service, so it cannot pair')
      return await backup.createPairingCode()
    }
    control.handlers = {
      pair: async () => {
        const code = await createPairingCode()
        log.info('made a pairing code for `cairn-peer pair`')
        return { pairingCode: code }
      },
      status
    }

    let stopping: Promise<void> | undefined
    const multiaddrs = helia.libp2p.getMultiaddrs().map((ma) => ma.toString())
    log.info('started', { version: CAIRN_VERSION, peerId, dataDir, multiaddrs, awaitingPairing: pairingCode !== null })
    return {
      peerId,
      multiaddrs,
      pairingCode,
      createPairingCode,
      dataDir,
      controlSocket: control.path,
      helia,
      blockstore,
      datastore,
      status,
      stop: async () => {
        stopping ??= (async () => {
          log.info('stopping')
          await unwind()
          log.info('stopped')
        })()
        await stopping
      }
    }
  } catch (err) {
    await unwind()
    throw err
  }
}

function ipPart (host: string): string {
  return isIPv6(host) ? `/ip6/${host}` : `/ip4/${host}`
}

/** WebSocket and WebRTC-direct on the configured host, plus one relay reservation per relay. */
function listenAddresses (config: PeerConfig): string[] {
  const ip = ipPart(config.host)
  return [
    `${ip}/tcp/${config.wsPort}/ws`,
    ...(config.webrtcDirect ? [`${ip}/udp/${config.webrtcPort}/webrtc-direct`] : []),
    // One '/p2p-circuit' per relay: each asks for a reservation on a relay we
    // are connected to, and is made again when the keeper reconnects after
    // the relay restarts. '<relay>/p2p-circuit' would pin one relay, fail the
    // start when that relay is down, and never be re-made (a js-libp2p bug).
    ...config.relay.map(() => '/p2p-circuit')
  ]
}

/** The ports the peer binds, each with the option that sets it (to name a refused one). */
function listenPorts (config: PeerConfig): ListenPort[] {
  return [
    { flag: '--ws-port', protocol: 'tcp', host: config.host, port: config.wsPort },
    ...(config.webrtcDirect ? [{ flag: '--webrtc-port', protocol: 'udp' as const, host: config.host, port: config.webrtcPort }] : [])
  ]
}

function transports (config: PeerConfig, log: Logger): NodeComponents['transports'] {
  // Dials (to relays) with ws, not Node's undici WebSocket (see node-websockets.ts).
  // Socket caps: what arrives before the WebSocket upgrade, which libp2p never sees (socket-caps.ts).
  const list: NodeComponents['transports'] = [withSocketCaps(nodeWebSockets(), { maxConnectionsPerIp: MAX_CONNECTIONS_PER_IP, maxPendingConnections: MAX_PENDING_SOCKETS, trustedProxies: [], log })]
  if (config.webrtcDirect) {
    // Caps handshakes in flight: each is a native peer connection built before libp2p's gater sees it (webrtc-direct-caps.ts).
    list.push(withWebRTCDirectCaps(withCertificateKeychain(webRTCDirect({
      // No public STUN servers (DESIGN §6): WebRTC-direct needs none to listen.
      rtcConfiguration: { iceServers: [] },
      // libp2p's 4 MiB read buffer until the connection proves it belongs to a
      // paired vault; then the backup service grants WEBRTC_READ_BUFFER_BYTES
      // (core/protocols/backup/read-buffer-grant.ts). Its own object, so the grant
      // replaces it per connection and never changes every connection's.
      dataChannel: {}
    })), { maxPendingConnections: DEFAULT_WEBRTC_PENDING, maxPendingPerIp: DEFAULT_WEBRTC_PENDING_PER_IP, log }))
  }
  return list
}

/** The gater's caps: open connections per IP key and per peer, new ones per second per IP key (connection-caps.ts). */
function peerConnectionGater (log: Logger): NonNullable<NodeComponents['connectionGater']> {
  const caps = new ConnectionCaps({ maxConnectionsPerIp: MAX_CONNECTIONS_PER_IP, maxConnectionsPerPeer: MAX_CONNECTIONS_PER_IP, connectionRatePerIp: NEW_CONNECTIONS_PER_SECOND_PER_IP, log })
  return {
    denyInboundConnection: (maConn) => caps.denyInboundConnection(maConn),
    denyInboundEncryptedConnection: (peer, maConn) => caps.denyInboundEncryptedConnection(peer, maConn)
  }
}

/** Waits (bounded) until the node announces a circuit address through each relay. */
async function waitForRelayAddresses (helia: CairnHelia, relays: string[], timeoutMs: number, log: Logger): Promise<void> {
  const relayIds = relays.map((address) => address.split('/p2p/').at(-1)?.split('/')[0] ?? '')
  const missing = (): string[] => {
    const circuits = helia.libp2p.getMultiaddrs().map((ma) => ma.toString()).filter((ma) => ma.includes('/p2p-circuit'))
    return relayIds.filter((id) => !circuits.some((ma) => ma.includes(`/p2p/${id}/p2p-circuit`)))
  }
  const deadline = Date.now() + timeoutMs
  while (missing().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
  const still = missing()
  if (still.length > 0) log.warn('no relay reservation yet; the peer keeps trying in the background', { relays: still })
}
