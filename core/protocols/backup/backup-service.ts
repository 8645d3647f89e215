import { CairnError } from '../../errors.ts'
import { systemClock, type Clock } from '../../clock.ts'
import { BlockAccess, heliaPinnedBy } from './block-access.ts'
import { gateBitswap, type BitswapGate } from './bitswap-gate.ts'
import { silenceWantBroadcast } from './bitswap-silence.ts'
import { DeviceWants } from './device-wants.ts'
import { BlockFetcher, type BlockFetchStats } from '../blocks/block-fetcher.ts'
import { BlockServer, type BlockDecision, type BlockServerStats } from '../blocks/block-server.ts'
import type { FetchedBlock, HashPieces } from '../blocks/fetched-block.ts'
import { toErrorResponse } from './backup-errors.ts'
import * as C from './constants.ts'
import { NonceCache } from './pairing.ts'
import { PairingLimiter } from './pairing-limiter.ts'
import { PairingCodeBook } from './pairing-code-book.ts'
import { loadPeerState } from './peer-store.ts'
import { RefusalLog } from './refusal-log.ts'
import { Replicator, short } from './replicator.ts'
import { grantReadBuffer } from './read-buffer-grant.ts'
import { RequestHandlers } from './request-handlers.ts'
import { isRevokedPeer } from './revocation-handlers.ts'
import { RotationBook } from './rotation-book.ts'
import { requestSource } from './request-source.ts'
import { VaultLedger } from './vault-ledger.ts'
import { jsonStream, readJson, writeJson } from './wire.ts'
import { parseRequest, type BackupResponse, type VaultBackupStatus } from './messages.ts'
import type { Log } from '../../log.ts'
import type { BackupNode } from './node-parts.ts'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import type { CID } from 'multiformats/cid'

export interface BackupServiceComponents {
  /** The peer's node: its libp2p carries the protocol, its blockstore and pins hold the data. */
  helia: BackupNode
  /** Where the service keeps its state (under `/cairn/backup/peer`); may be Helia's own datastore. */
  datastore: Datastore
  log: Log
  /** SHA-256 over pieces (the Node host's native hasher): blocks from devices are then hashed and stored as they arrived, never joined. */
  hashPieces?: HashPieces
}

export interface BackupServiceInit {
  /** Per-vault quota in bytes (default 10 GiB). */
  quotaBytes?: number
  /** Roots fetched at once (default 3). */
  concurrency?: number
  /** Blocks of one DAG requested at once (default 8). */
  blockConcurrency?: number
  /** How long unpinned content is kept (default 30 days). */
  retentionMs?: number
  /** Largest request accepted (default 1 MiB). */
  maxMessageBytes?: number
  /** A fetch attempt fails after this long without a new block (default 30 s). */
  attemptTimeoutMs?: number
  retryBaseMs?: number
  retryMaxMs?: number
  /** Attempts before a root is marked failed (default 10). */
  maxAttempts?: number
  /** Allowed difference between a request's timestamp and the peer's clock (default 5 min). */
  maxClockSkewMs?: number
  /** A stream must deliver its request within this (default 30 s). */
  requestTimeoutMs?: number
  /** Blocks one verify request may re-read (default 256). */
  maxVerifySample?: number
  /** How long a pairing code pairs after it was made (default 15 minutes). */
  pairingCodeTtlMs?: number
  /** The clock for pairing codes and limits, retention and expiries (ms since epoch; tests; default Date.now). */
  now?: Clock
  /** WebRTC read buffer (bytes) granted to a connection once it proved it belongs to a paired vault (default 0: none granted). */
  provenReadBufferBytes?: number
  /** Refuse every deletion: unpins, drops, expiries brought forward (`cairn-peer --append-only`; default false). */
  appendOnly?: boolean
  /** Most roots one vault may have here (default 1,000,000). */
  maxRoots?: number
  /** How long a verify waits for good copies of the bad blocks it found (default 16.5 s). */
  verifyRepairTimeoutMs?: number
}

/** One vault as `cairn-peer status` shows it. */
export interface PeerVaultSummary extends VaultBackupStatus {
  vault: string
  pairedAt: number
}

/**
 * The backup peer's side of `/cairn/backup/1` (DESIGN §5): pairs vaults
 * with one-time codes, accepts their signed manifests, fetches and pins
 * what they name, answers what it holds, and frees what they unpinned
 * after the retention period. Hosted by the peer process, which owns the
 * Helia node: `start()` after the node started, `stop()` before it stops.
 */
export class BackupService {
  private readonly components: BackupServiceComponents
  private readonly settings: Required<BackupServiceInit>
  private readonly ledger = new VaultLedger()
  private readonly rotations = new RotationBook()
  private readonly codes: PairingCodeBook
  private readonly replicator: Replicator
  private readonly handlers: RequestHandlers
  private readonly inFlight = new Set<Promise<void>>()
  private readonly refusals: RefusalLog
  private chain: Promise<unknown> = Promise.resolve()
  private started = false
  /** Who may be sent which blocks over bitswap (block-access.ts). */
  readonly access: BlockAccess
  private gate: BitswapGate | undefined
  /** The peer's block fetches, each asked of the vault's own connected devices only. */
  private readonly wants: DeviceWants
  /** The same fetches over the batched block exchange first (issue 12), DeviceWants behind it. */
  private readonly blocks: BlockFetcher
  /** The vaults' blocks served to their devices over the same exchange (a restore, kept files), by bitswap's rule. */
  private readonly server: BlockServer
  private readonly pinnedBy: (cid: CID) => Promise<CID[]>

  constructor (components: BackupServiceComponents, init: BackupServiceInit = {}) {
    this.components = components
    this.settings = {
      quotaBytes: init.quotaBytes ?? C.DEFAULT_QUOTA_BYTES,
      concurrency: init.concurrency ?? C.DEFAULT_CONCURRENCY,
      blockConcurrency: init.blockConcurrency ?? C.DEFAULT_BLOCK_CONCURRENCY,
      retentionMs: init.retentionMs ?? C.DEFAULT_RETENTION_MS,
      maxMessageBytes: init.maxMessageBytes ?? C.DEFAULT_MAX_MESSAGE_BYTES,
      attemptTimeoutMs: init.attemptTimeoutMs ?? C.DEFAULT_ATTEMPT_TIMEOUT_MS,
      retryBaseMs: init.retryBaseMs ?? C.DEFAULT_RETRY_BASE_MS,
      retryMaxMs: init.retryMaxMs ?? C.DEFAULT_RETRY_MAX_MS,
      maxAttempts: init.maxAttempts ?? C.DEFAULT_MAX_ATTEMPTS,
      maxClockSkewMs: init.maxClockSkewMs ?? C.DEFAULT_MAX_CLOCK_SKEW_MS,
      requestTimeoutMs: init.requestTimeoutMs ?? C.DEFAULT_REQUEST_TIMEOUT_MS,
      maxVerifySample: init.maxVerifySample ?? C.DEFAULT_MAX_VERIFY_SAMPLE,
      pairingCodeTtlMs: init.pairingCodeTtlMs ?? C.DEFAULT_PAIRING_CODE_TTL_MS,
      now: init.now ?? systemClock,
      provenReadBufferBytes: init.provenReadBufferBytes ?? 0,
      appendOnly: init.appendOnly ?? false,
      maxRoots: init.maxRoots ?? C.DEFAULT_MAX_ROOTS_PER_VAULT,
      verifyRepairTimeoutMs: init.verifyRepairTimeoutMs ?? C.VERIFY_REPAIR_TIMEOUT_MS
    }
    this.refusals = new RefusalLog(components.log, { windowMs: C.REFUSAL_LOG_WINDOW_MS, perRemote: C.REFUSAL_LINES_PER_REMOTE, total: C.REFUSAL_LINES_TOTAL, now: this.settings.now })
    const serial = async <T>(fn: () => Promise<T>): Promise<T> => {
      const run = this.chain.then(fn)
      this.chain = run.catch(() => {})
      return await run
    }
    this.codes = new PairingCodeBook(components.datastore, { ttlMs: this.settings.pairingCodeTtlMs, now: this.settings.now })
    this.wants = new DeviceWants({ helia: components.helia, devicesOf: vault => this.devicesOf(vault) })
    // Blocks come over the batched exchange from a device that speaks it, and over bitswap (DeviceWants) otherwise.
    this.blocks = new BlockFetcher({
      libp2p: components.helia.libp2p,
      sourcesOf: vault => this.devicesOf(vault),
      put: async (cid, block) => { await components.helia.blockstore.put(cid, block) },
      fallback: async (vault, cid, signal) => await this.wants.fetch(vault, cid, signal)
    }, {
      stallMs: Math.max(1000, Math.floor(this.settings.attemptTimeoutMs / 3)),
      ...(components.hashPieces !== undefined ? { hashPieces: components.hashPieces } : {})
    })
    const fetchBlock = async (vault: string, cid: CID, signal: AbortSignal): Promise<FetchedBlock> => await this.blocks.fetchPieces(vault, cid, signal)
    this.pinnedBy = heliaPinnedBy(components.helia.datastore)
    this.replicator = new Replicator({ ...components, ledger: this.ledger, serial, fetchBlock, pinnedBy: this.pinnedBy }, this.settings)
    this.handlers = new RequestHandlers({
      ...components,
      fetchBlock,
      ledger: this.ledger,
      codes: this.codes,
      replicator: this.replicator,
      serial,
      rotations: this.rotations,
      failures: new PairingLimiter({ perPeer: C.PAIRING_FAILURES_PER_PEER, perIp: C.PAIRING_FAILURES_PER_IP }),
      nonces: new NonceCache(this.settings.maxClockSkewMs)
    }, this.settings)
    this.access = new BlockAccess({ pinnedBy: this.pinnedBy, holders: root => this.ledger.holders(root, this.settings.now()), revoked: (peer, vault) => isRevokedPeer({ ledger: this.ledger, rotations: this.rotations }, vault, peer) })
    const helia = components.helia
    this.server = new BlockServer({
      libp2p: helia.libp2p,
      // Only what is here: a block the peer lacks is "don't have", never a fetch of its own.
      store: { has: async (cid) => await helia.blockstore.has(cid), get: (cid, options) => helia.blockstore.get(cid, { ...options, offline: true } as Parameters<typeof helia.blockstore.get>[1]) },
      mayServe: () => this.started,
      mayServeBlock: async (peer, cid) => await this.blockDecision(peer, cid)
    })
    this.handle = this.handle.bind(this)
    this.disconnected = this.disconnected.bind(this)
    this.opened = this.opened.bind(this)
  }

  /** Loads the persisted state, resumes pending fetches and starts answering the protocol. */
  async start (): Promise<void> {
    if (this.started) return
    const state = await loadPeerState(this.components.datastore)
    this.ledger.load(state)
    this.codes.load(state.codes)
    await this.rotations.load(this.components.datastore)
    // The host gates bitswap before its node starts (no ledger without the gate); this sets the policy.
    this.gate = gateBitswap(this.components.helia, async (peer, cid) => await this.access.mayServe(peer, cid))
    // The peer's wants go to a vault's own devices (DeviceWants), never to everyone connected.
    silenceWantBroadcast(this.components.helia)
    this.wants.start()
    this.components.helia.libp2p.addEventListener('peer:disconnect', this.disconnected)
    this.components.helia.libp2p.addEventListener('connection:open', this.opened)
    await this.components.helia.libp2p.handle(C.BACKUP_PROTOCOL, this.handle, { runOnLimitedConnection: true })
    this.started = true
    await this.server.start()
    this.replicator.start()
    const pending = [...this.ledger.items()].filter(item => item.state === 'pending').length
    this.components.log.info(`backup: serving ${C.BACKUP_PROTOCOL} for ${this.ledger.vaults.size} vault(s), ${pending} root(s) to fetch`)
  }

  /** Stops answering, aborts fetches in flight (they resume at the next start) and waits for open requests. */
  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    await this.components.helia.libp2p.unhandle(C.BACKUP_PROTOCOL)
    this.components.helia.libp2p.removeEventListener('peer:disconnect', this.disconnected)
    this.components.helia.libp2p.removeEventListener('connection:open', this.opened)
    // Stopped: no proof is checked any more, so no block is served.
    this.gate?.remove()
    this.gate = undefined
    await this.server.stop()
    await this.replicator.stop()
    this.blocks.stop()
    this.wants.stop()
    await Promise.allSettled([...this.inFlight])
    await this.chain
    this.refusals.stop()
  }

  /** Frees what is due and starts what is ready, now (after the injected clock jumped; otherwise timers do it). */
  tick (): void {
    this.replicator.wake()
  }

  /** Makes and stores a new one-time pairing code, formatted `XXXX-XXXX-XXXX-XXXX`; it pairs for `pairingCodeTtlMs`. */
  async createPairingCode (): Promise<string> {
    return await this.codes.create()
  }

  /** Unused pairing codes still within their time, formatted, oldest first. */
  pendingPairingCodes (): string[] {
    return this.codes.list()
  }

  /** Per-vault summary (for `cairn-peer status`). */
  status (): PeerVaultSummary[] {
    return [...this.ledger.vaults.values()].map(({ record }) => ({
      vault: record.vault,
      pairedAt: record.pairedAt,
      ...this.ledger.status(record.vault, this.settings, this.settings.now())
    }))
  }

  /** Where fetched blocks came from: the batched exchange or bitswap (counts for tests and the bench). */
  get blockStats (): BlockFetchStats {
    return { ...this.blocks.stats }
  }

  /** What the peer answered over the block exchange (counts for tests and the bench). */
  get servedStats (): BlockServerStats {
    return { ...this.server.stats }
  }

  /** Roots being fetched right now (all vaults). */
  get fetching (): number {
    return this.replicator.active
  }

  private disconnected (event: CustomEvent<PeerId>): void {
    this.access.forget(event.detail.toString())
    this.blocks.peerGone(event.detail.toString())
  }

  /**
   * Whether `peer` may be sent `cid` over the block exchange: bitswap's rule
   * (block-access.ts). A device proven for some vault that did not remove it
   * is told "don't have" for any block it may not be sent, as bitswap answers:
   * whether another vault holds that block is not its business (a "refused"
   * for those alone told it). Anyone else is "refused" (a stranger, a
   * removed device).
   */
  private async blockDecision (peer: string, cid: CID): Promise<BlockDecision> {
    if (await this.access.mayServe(peer, cid)) return 'serve'
    const standing = [...this.access.vaultsOf(peer)].some(vault => !isRevokedPeer({ ledger: this.ledger, rotations: this.rotations }, vault, peer))
    return standing ? 'dont-have' : 'refused'
  }

  /**
   * The connected devices of `vault` that were not removed from it: peers
   * that proved themselves on their connection, and the devices the vault's
   * signed manifests came from (a device back after a restart is asked
   * before its first request).
   */
  private devicesOf (vault: string): PeerId[] {
    const listed = this.ledger.get(vault)?.record.lastSeq ?? {}
    const devices = new Map<string, PeerId>()
    for (const connection of this.components.helia.libp2p.getConnections()) {
      const peer = connection.remotePeer.toString()
      if (devices.has(peer) || !(this.access.vaultsOf(peer).has(vault) || Object.hasOwn(listed, peer))) continue
      if (isRevokedPeer({ ledger: this.ledger, rotations: this.rotations }, vault, peer)) continue
      devices.set(peer, connection.remotePeer)
    }
    return [...devices.values()]
  }

  /** The vaults whose signed manifests came from `peer` (as their device), and that did not remove it. */
  private listedVaultsOf (peer: string): string[] {
    const vaults: string[] = []
    for (const [vault, entry] of this.ledger.vaults) {
      if (Object.hasOwn(entry.record.lastSeq, peer) && !isRevokedPeer({ ledger: this.ledger, rotations: this.rotations }, vault, peer)) vaults.push(vault)
    }
    return vaults
  }

  /** Another connection of a peer that proved itself gets what the first got; a device of a vault is asked for what the vault waits for. */
  private opened (event: CustomEvent<Connection>): void {
    const peer = event.detail.remotePeer
    if (this.access.vaultsOf(peer.toString()).size > 0) this.granted(peer)
    for (const vault of this.listedVaultsOf(peer.toString())) this.wants.deviceReady(peer, vault)
  }

  /** A proven peer's connections get the larger WebRTC read buffer (DESIGN §6), which strangers' do not. */
  private granted (peer: PeerId): void {
    if (this.settings.provenReadBufferBytes > 0) grantReadBuffer(this.components.helia.libp2p.getConnections(peer), this.settings.provenReadBufferBytes)
  }

  private async handle (stream: Stream, connection: Connection): Promise<void> {
    const work = this.answer(stream, connection)
    this.inFlight.add(work)
    try { await work } finally { this.inFlight.delete(work) }
  }

  private async answer (stream: Stream, connection: Connection): Promise<void> {
    const remote = connection.remotePeer.toString()
    // The time limit covers receiving the request and, separately, sending
    // the answer; the work between (a verify of many blocks) has its own pace.
    const signal = AbortSignal.timeout(this.settings.requestTimeoutMs)
    const lp = jsonStream(stream, this.settings.maxMessageBytes)
    let response: BackupResponse
    let kind = 'request'
    let vault = ''
    try {
      const request = parseRequest(await readJson(lp, signal))
      kind = request.kind
      vault = ` for vault ${short(request.vault)}`
      if (!this.started) throw new CairnError('NODE_UNAVAILABLE', 'the backup service is stopping')
      response = await this.handlers.handle(request, requestSource(connection))
      // Signed by a paired vault (or paired just now): this connection's peer may fetch the vault's
      // blocks, while it stays connected. A connection that closed meanwhile (its peer:disconnect
      // already forgot the peer) proves nothing, or the proof would outlive every connection.
      if (connection.status === 'open' && this.access.prove(remote, request.vault)) {
        this.granted(connection.remotePeer)
        this.gate?.recheck(connection.remotePeer)
      }
      // A device of the vault (new, back, or one a send to failed): asked for what the vault's fetches
      // wait for and it was not asked yet. Devices send requests every few seconds, so this also heals.
      if (connection.status === 'open' && this.access.vaultsOf(remote).has(request.vault)) this.wants.deviceReady(connection.remotePeer, request.vault)
    } catch (err) {
      response = toErrorResponse(err)
      this.refusals.refused(remote, response.error.code, `backup: refused ${kind} from ${remote}${vault}: ${response.error.code} (${response.error.message})`)
      // INTERNAL and INVALID_ARGUMENT are the peer's own bugs: its log keeps the stack.
      if (response.error.code === 'INTERNAL' || response.error.code === 'INVALID_ARGUMENT') this.components.log.error(`backup: ${kind} failed: ${(err as Error).stack ?? String(err)}`)
    }
    try {
      const sending = AbortSignal.timeout(this.settings.requestTimeoutMs)
      await writeJson(lp, response, sending)
      await stream.close({ signal: sending })
    } catch (err) {
      stream.abort(err as Error)
    }
  }
}
