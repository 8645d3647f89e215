import type { Datastore } from 'interface-datastore'
import type { ConnectionGater, PeerId } from '@libp2p/interface'
import { bufferLogger } from './component-logger.ts'
import { createNode, type CairnHelia, type NodeComponents } from './create-node.ts'
import type { LogBuffer } from './log-buffer.ts'
import { loadNetworkSettings, saveNetworkSettings } from './network-settings.ts'
import { PeerKeeper } from './peer-keeper.ts'
import { OwnPeerWants } from './own-peer-wants.ts'
import { peerBlockProof, withholdsFrom } from './peer-block-proof.ts'
import { BlockServer } from '../protocols/blocks/block-server.ts'
import { ExchangeReads } from '../protocols/blocks/exchange-reads.ts'
import { exchangeSources } from './exchange-sources.ts'
import { TrafficMetrics } from './traffic-metrics.ts'
import { BackupPeers } from '../protocols/backup/device/backup-peers.ts'
import { VaultShares } from '../vault/vault-shares.ts'
import { createVaultDeviceRemoval } from './vault-device-removal.ts'
import { RotatedElsewhere } from './rotated-elsewhere.ts'
import { bringIndexUnderKey } from '../vault/handed-over-index.ts'
import { BackupClient } from '../protocols/backup/backup-client.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { FileLocations } from '../vault/file-locations.ts'
import { watchFetches } from '../vault/fetch-watch.ts'
import { bitswapForget } from './bitswap-forget.ts'
import { shareCopyContent } from '../vault/share-copies.ts'
import { Devices } from './devices.ts'
import { DeviceBookExchange } from './device-book-exchange.ts'
import { DeviceHoldings } from './device-holdings.ts'
import { shareHints } from '../share/share-hints.ts'
import { VaultService } from '../vault/vault-service.ts'
import type { TagHasher } from '../vault/vault-files.ts'
import { toErrorPayload } from '../errors.ts'
import type { EventName, FileDamage, NodeEvents, SyncFolderInfo } from '../rpc/api.ts'
import type { HandlerMap } from '../rpc/handlers.ts'
import { bitswapBlockSource } from './bitswap-block-source.ts'
import { BlockRepair } from '../vault/block-repair.ts'
import { FileHealthBook } from '../vault/file-health.ts'
import { DeviceSync } from './device-sync.ts'
import { vaultNodeHandlers } from './vault-node-handlers.ts'
import type { PackBlockstore } from '../storage/pack-blockstore.ts'
import type { Log } from '../log.ts'
import { Notices, type StorageUse } from './notices.ts'
import { noticeSources } from './notice-sources.ts'
import { FolderSyncService, type FolderOpener } from '../folder-sync/folder-sync-service.ts'
import { syncVaultOf } from '../folder-sync/vault-port.ts'
import { deriveSubkey } from '../crypto/subkeys.ts'
import { shortDeviceLabel } from '../index/conflict-name.ts'
import type { HashPieces } from '../protocols/blocks/fetched-block.ts'

/** What the node is served to its pages with: the RPC handlers and the vault (for streamed reads). */
export interface ServedNode {
  handlers: HandlerMap
  vault: VaultService
}

/** A started vault node: what its host serves, and what the host watches and stops. */
export interface VaultNode extends ServedNode {
  helia: CairnHelia
  backups: BackupPeers
  /** "Pause syncing": no connection is made or accepted and the open ones close; false resumes. */
  setPaused: (paused: boolean) => void
  paused: () => boolean
  /** The synced folders with their state and progress (none while the vault is locked). */
  syncFolders: () => SyncFolderInfo[]
  /** Stops syncing, backing up and the network, then the node; the vault locks (keys wiped). */
  stop: () => Promise<void>
}

/** A tag hasher that can forget the dedup key it was handed (on lock). */
export type WipeableTagHasher = TagHasher & { wipe: () => void }

/**
 * What a host hands in (DESIGN §1: the browser's node worker and the desktop
 * daemon differ only here): stores, transports, where share links point, and
 * the way node events reach its pages.
 */
export interface VaultNodeHost {
  stores: {
    blockstore: PackBlockstore
    datastore: Datastore
    /** Bytes of live blocks (what Cairn stores for the user). */
    storedBytes: () => number
  }
  /** Relays the deployment suggests, used until the user sets their own. */
  defaultRelays: () => Promise<string[]>
  network: {
    agentName: string
    listen: string[]
    announce?: string[]
    transports: NodeComponents['transports']
    connectionGater?: ConnectionGater
    /** Noise's cipher where the platform's default is slow (the browser's: wasm-noise-cipher.ts). */
    noiseCrypto?: NodeComponents['noiseCrypto']
    /** SHA-256 over pieces where the platform hashes them natively (the desktop's Node): fetched blocks are kept without being joined. */
    hashPieces?: HashPieces
  }
  logs: LogBuffer
  emit: <E extends EventName>(event: E, data: NodeEvents[E]) => void
  hashTag: WipeableTagHasher
  /** Opens a file of a share link opened elsewhere (files.addShared). */
  openShared: (source: string, signal: AbortSignal) => Promise<ReadableStream<Uint8Array>>
  /** The app's origin, where share links and pairing offers point. */
  origin: string
  appHost: string
  /** This device's default name and platform, e.g. "Chrome on Linux". */
  device: { name: string, platform: string }
  /** Keep every file whole here unless the user chooses otherwise (the always-on desktop). */
  keepByDefault?: boolean
  /** The auto-lock of a device that never chose one (the always-on desktop: 0, never). */
  defaultAutoLockMinutes?: number
  /** How full this device's storage is (the browser's quota, the desktop's disk), for "storage almost full". */
  storageUse: () => Promise<StorageUse | undefined>
  /** How this host reaches folders on disk for folder sync (absent: it cannot). */
  folders?: FolderOpener
}

/**
 * Assembles and starts the vault's node: Helia and libp2p, the vault, backup
 * peers, shares, devices and their sync, file locations, repair. One
 * composition for every host, so the desktop's node is the browser's node.
 */
export async function startVaultNode (host: VaultNodeHost): Promise<VaultNode> {
  const { stores, logs } = host
  // The notices look again whenever files, backup or the lock state change (set once they exist).
  let afterEvent: (event: EventName) => void = () => {}
  const emit = <E extends EventName>(event: E, data: NodeEvents[E]): void => { host.emit(event, data); afterEvent(event) }
  const log = logs.for('node')
  const networkSettings = await loadNetworkSettings(stores.datastore)
  let relays = networkSettings.relays ?? await host.defaultRelays()
  const traffic = new TrafficMetrics()
  let paused = false
  // Paused: every dial and every incoming connection is refused (what the host gates besides still applies).
  const hostGate = host.network.connectionGater ?? {}
  const gate: ConnectionGater = {
    ...hostGate,
    denyDialPeer: async (peer) => paused || (await hostGate.denyDialPeer?.(peer) ?? false),
    denyDialMultiaddr: async (ma) => paused || (await hostGate.denyDialMultiaddr?.(ma) ?? false),
    denyInboundConnection: async (conn) => paused || (await hostGate.denyInboundConnection?.(conn) ?? false)
  }
  const helia = createNode({
    agentName: host.network.agentName,
    allowPrivateAddresses: true,
    listen: host.network.listen,
    ...(host.network.announce !== undefined ? { announce: host.network.announce } : {})
  }, {
    blockstore: stores.blockstore,
    datastore: stores.datastore,
    transports: host.network.transports,
    ...(host.network.noiseCrypto !== undefined ? { noiseCrypto: host.network.noiseCrypto } : {}),
    connectionGater: gate,
    logger: bufferLogger(logs),
    metrics: traffic.metrics()
  })
  await helia.start()
  // This device's wants go to nobody until the vault's devices and backup peers are known (below), then only to them.
  let isOurs = (_peer: string): boolean => false
  const ownWants = OwnPeerWants.install(helia, (peer) => isOurs(peer))
  // The batched block exchange serves the same peers only (the backup peer's fast path, issue 12); others get "refused".
  // A block "Free up space" is asking a peer to send back is not sent to that peer meanwhile (peer-block-proof.ts).
  const blockServer = new BlockServer({ libp2p: helia.libp2p, store: stores.blockstore, mayServe: (peer) => ownWants.ours(peer), mayServeBlock: async (peer, cid) => withholdsFrom(helia, peer, cid) ? 'dont-have' : 'serve' })
  await blockServer.start()
  log.info(`node started, peer id ${helia.libp2p.peerId.toString()}`)
  const deviceId = helia.libp2p.peerId.toString()
  const keeper = new PeerKeeper({ libp2p: helia.libp2p, log: logs.for('network') })
  const keepRelays = (): void => { for (const relay of relays) keepSafely(keeper, relay, log) }
  keepRelays()
  keeper.start()
  for (const event of ['connection:open', 'connection:close', 'self:peer:update'] as const) {
    helia.libp2p.addEventListener(event, () => { emit('network.changed', undefined) })
  }
  const setRelays = async (next: string[]): Promise<void> => {
    for (const relay of relays) if (!next.includes(relay)) keeper.forget(relay)
    relays = next
    await saveNetworkSettings(stores.datastore, { relays })
    keepRelays()
    emit('network.changed', undefined)
  }

  // Reads (a restore, kept files) fetch blocks this device lacks from its backup peers and devices over the batched
  // exchange first, bitswap behind it, and keep them; where files live hears of each. Nobody is asked until they are known (below).
  let sources = (): PeerId[] => []
  const exchange = new ExchangeReads({
    libp2p: helia.libp2p,
    local: stores.blockstore,
    network: helia.blockstore,
    sources: () => sources(),
    ...(host.network.hashPieces !== undefined ? { hashPieces: host.network.hashPieces } : {})
  })
  helia.libp2p.addEventListener('peer:disconnect', (event) => { exchange.peerGone(event.detail.toString()) })
  const readBlockstore = watchFetches(exchange.store, () => { locations.blockFetched() })
  // Called only once `vault` below exists.
  const unlockedVault = (): VaultService | undefined => vault.status().state === 'unlocked' ? vault : undefined
  const locations = new FileLocations({
    store: stores.blockstore,
    fetchStore: readBlockstore,
    datastore: stores.datastore,
    log: logs.for('files'),
    backupHolders: (root) => backups.holdersOf(root),
    // `holdings` (below) exists before the vault can unlock.
    deviceHolders: (root): string[] => holdings.holders(root),
    confirmedDeviceHolders: (root): string[] => holdings.confirmedHolders(root),
    confirmedDeviceIds: (root): string[] => holdings.confirmedHolderIds(root),
    shareContent: async () => shareCopyContent(await (unlockedVault()?.shareStore().list() ?? Promise.resolve([]))),
    inUse: (root) => unlockedVault()?.files().inUse(root) ?? false,
    forgetSent: bitswapForget(helia),
    proveHeld: peerBlockProof(helia),
    online: () => helia.libp2p.getConnections().length > 0,
    onChanged: () => { emit('files.locations.changed', undefined) }
  }, { keepByDefault: host.keepByDefault === true })
  helia.libp2p.addEventListener('peer:connect', () => { void locations.fetchKept() })

  /** Counts unlocks and locks, so a late step of an old unlock can tell it is stale. */
  let vaultSessions = 0
  const backups = new BackupPeers({
    libp2p: helia.libp2p,
    datastore: stores.datastore,
    keeper,
    log: logs.for('backup'),
    onChanged: () => { emit('backup.changed', undefined); emit('files.changed', undefined); emit('shares.changed', undefined); locations.holdersChanged(); ownWants.changed() },
    // Another device rotated the vault key: take its hand-over and lock (`rotated` exists before any peer answers).
    onVaultRotated: (peerId) => { void rotated.heard(peerId) }
  }, deviceId)
  await backups.start()

  // The vault's other devices: pushed to on every change, pulled from through the backup peers.
  const deviceSync = new DeviceSync({
    libp2p: helia.libp2p,
    networkBlockstore: helia.blockstore,
    log: logs.for('sync'),
    relays: () => relays,
    backup: { peers: () => backups.list().map(p => p.peerId), heads: async (peerId) => await backups.heads(peerId) },
    onChanged: () => { emit('files.changed', undefined); backups.changed(); locations.filesChanged() },
    // `devices` (below) exists before the vault can unlock, which is when these are first asked.
    knownDevices: () => devices.directory.memberIds(),
    isRevoked: (peerId) => devices.directory.isRemoved(peerId),
    onDeviceSeen: (peerId) => { void devices.directory.seen(peerId).catch(() => {}); bookExchange.seen(peerId); holdings.seen(peerId) }
  })
  // What the other devices hold whole: "On Laptop", and what "Free up space" may rely on.
  const holdings = new DeviceHoldings({
    libp2p: helia.libp2p,
    log: logs.for('files'),
    roots: () => vault.status().state === 'unlocked' ? vault.files().list().map(f => f.cid) : [],
    heldWhole: async (roots): Promise<string[]> => await locations.heldWhole(roots),
    isMember: (peerId) => devices.directory.isMember(peerId),
    nameOf: (peerId) => devices.directory.nameOf(peerId),
    onChanged: () => { locations.holdersChanged() }
  })
  // Devices swap their device books (names, removals) after they sync, and at once when it changes here.
  const bookExchange = new DeviceBookExchange({ libp2p: helia.libp2p, log: logs.for('devices') })
  let lastBook = ''
  const bookMayHaveChanged = async (): Promise<void> => {
    if (vault.status().state !== 'unlocked') return
    const book = JSON.stringify((await devices.directory.book()).list())
    if (book === lastBook) return
    const first = lastBook === ''
    lastBook = book
    if (first) return
    const connected = new Set(helia.libp2p.getConnections().map(c => c.remotePeer.toString()))
    bookExchange.changed(devices.directory.memberIds().filter(id => connected.has(id) && id !== deviceId))
  }

  // Damaged blocks (BLOCK_DAMAGED from the pack store) are fetched again from connected peers.
  const repair = new BlockRepair({ store: stores.blockstore, source: bitswapBlockSource(helia), log: logs.for('storage') })
  const health = new FileHealthBook()
  const fileHealth = (damage: FileDamage): void => {
    // Every time: a notice the user dismissed comes back when the file fails again.
    emit('storage.damage', damage)
    // Only the live content's state shows on its row in Files.
    if (damage.where === undefined && health.set(damage.fileId, damage.state)) emit('files.changed', undefined)
  }
  const hashTag = host.hashTag
  const vault = new VaultService({
    blockstore: stores.blockstore,
    readBlockstore,
    readHealth: {
      repair,
      onHealth: (fileId, state) => {
        // Runs inside a read: it must not throw (the vault may lock meanwhile).
        const path = vault.status().state === 'unlocked' ? vault.files().list().find(f => f.fileId === fileId)?.path : undefined
        if (path !== undefined) fileHealth({ fileId, path, state })
      }
    },
    datastore: stores.datastore,
    ...(host.defaultAutoLockMinutes !== undefined ? { defaultAutoLockMinutes: host.defaultAutoLockMinutes } : {}),
    hashTag,
    log: logs.for('vault'),
    deviceId,
    // An unlock took a rotated key: the index this device held was under the old one; fetch it from the backup peers.
    onHandedOver: async (vaultKey, oldVaultKey) => {
      await bringIndexUnderKey({
        networkBlockstore: readBlockstore,
        datastore: stores.datastore,
        peers: () => backups.list().map(peer => multiaddr(peer.address)),
        client: (signer) => new BackupClient({ libp2p: helia.libp2p }, { signer }),
        deviceId,
        log: logs.for('vault')
      }, vaultKey, oldVaultKey)
    }
  }, {
    onStatus: (status) => { emit('vault.status', status) },
    onFilesChanged: () => { emit('files.changed', undefined); backups.changed(); locations.filesChanged() },
    // Shares load first so the first manifest after unlock already pins them.
    onUnlocked: (session) => {
      const opened = ++vaultSessions
      locations.attach(session)
      void deviceSync.attach(session)
      // Backup attaches only if the vault did not lock while the shares loaded; then the peers' heads are pulled.
      void shares.attach(session.shares).finally(() => {
        if (opened === vaultSessions) void backups.attach(session).then(async () => { if (opened === vaultSessions) await deviceSync.pullFromBackup() })
      })
      lastBook = ''
      // Folder sync seals its records under the vault's `folders` subkey (wiped here, copied by attach).
      const foldersKey = deriveSubkey(vault.keyInForce(), 'folders')
      void folderSync.attach(foldersKey).catch((err: unknown) => { logs.for('folders').warn(`folder sync did not start: ${toErrorPayload(err).message}`) }).finally(() => { foldersKey.fill(0) })
      void devices.unlocked(session.devicesKey, session.boxKey).then(async () => {
        if (opened !== vaultSessions) return
        await bookExchange.attach(devices.directory)
        await holdings.attach()
        ownWants.changed()
        await bookMayHaveChanged()
      }).catch(() => {})
    },
    onLocked: () => { void folderSync.detach(); vaultSessions++; hashTag.wipe(); deviceSync.detach(); bookExchange.detach(); holdings.detach(); backups.detach(); shares.detach(); locations.detach(); devices.locked() }
  })
  // Folders on disk kept in step with the vault (issue 14); started when the vault opens.
  const folderSync = new FolderSyncService({
    datastore: stores.datastore,
    vault: syncVaultOf(() => vault.files()),
    opener: host.folders,
    log: logs.for('folders'),
    deviceLabel: () => shortDeviceLabel(deviceId),
    onChanged: () => { emit('sync.changed', undefined) },
    onVaultChanged: () => { emit('files.changed', undefined); backups.changed(); locations.filesChanged() },
    onRestoreProgress: (progress) => { emit('sync.restore.progress', progress) }
  })
  const shares = new VaultShares({
    vault,
    blockstore: stores.blockstore,
    pinning: {
      changed: () => { backups.changed() },
      drop: async (cids) => { await backups.drop(cids) },
      holdersOf: (cid) => backups.holdersOf(cid)
    },
    log: logs.for('shares'),
    onChanged: () => { emit('shares.changed', undefined) }
  }, {
    origin: host.origin,
    hints: ({ relayOnly }) => shareHints({
      backupPeers: backups.list(),
      relays,
      ownAddresses: helia.libp2p.getMultiaddrs().map(ma => ma.toString()),
      relayOnly,
      appHost: host.appHost
    })
  })
  const removal = createVaultDeviceRemoval({
    vault,
    // Asked only when a removal runs, long after `devices` below exists.
    directory: { book: async () => await devices.directory.book(), merge: async (book) => await devices.directory.merge(book) },
    backups,
    libp2p: helia.libp2p,
    blockstore: stores.blockstore,
    datastore: stores.datastore,
    deviceId,
    log: logs.for('devices')
  })
  const rotated = new RotatedElsewhere({
    vault,
    datastore: stores.datastore,
    deviceId,
    handover: async (peerId) => await backups.handover(peerId),
    busy: () => removal.busy(),
    log: logs.for('devices')
  })
  // Backup pins the live shares (shares ask backup to drop one, above).
  backups.pinAlso(() => shares.activePins())
  // What the user hears of with the app in the background (browser notifications, the desktop's system ones).
  const notices = new Notices({
    datastore: stores.datastore,
    log: logs.for('notices'),
    emit: (notice) => { emit('notice', notice) },
    // `devices` (below) exists before any name is asked.
    ...noticeSources({ vault, backups, nameOf: (peerId) => devices.directory.nameOf(peerId) }),
    storage: host.storageUse
  })
  await notices.start()
  afterEvent = (event) => {
    if (event === 'files.changed' || event === 'backup.changed' || event === 'vault.status') notices.changedSoon()
    if (event === 'files.changed') folderSync.vaultChanged()
  }
  const devices = new Devices({
    helia,
    vault,
    datastore: stores.datastore,
    backups,
    relays: () => relays,
    adoptRelays: async (theirs) => {
      const next = [...relays, ...theirs.filter(relay => !relays.includes(relay))]
      if (next.length !== relays.length) await setRelays(next)
    },
    keep: (address) => { keeper.keep(address) },
    origin: host.origin,
    describe: host.device,
    log: logs.for('devices'),
    onChanged: () => { emit('devices.changed', undefined); ownWants.changed(); void bookMayHaveChanged().catch(() => {}) },
    onPairing: (event) => { emit('devices.pairing', event) },
    // A device that just joined (either side): sync the index and swap books with it now.
    onDeviceJoined: (peerId) => {
      logs.for('devices').info(`device …${peerId.slice(-8)} is a member now`)
      void deviceSync.syncNow(peerId)
      bookExchange.changed([peerId])
      notices.deviceJoined(peerId)
    }
  })
  isOurs = (peer) => devices.directory.isMember(peer) || backups.list().some(p => p.peerId === peer)
  sources = () => exchangeSources(helia.libp2p, () => backups.list().map(p => p.peerId), (peer) => devices.directory.isMember(peer))
  await devices.start()
  await vault.start()
  // Pages may still show an earlier node's state: tell them where this node stands.
  emit('vault.status', vault.status())

  const handlers = vaultNodeHandlers({
    host, emit, helia, vault, backups, shares, devices, locations, holdings, removal, repair, health, keeper, traffic, fileHealth, notices,
    relays: () => relays,
    setRelays,
    folderSync,
    fetchBlock: async (cid, signal) => {
      const block = await exchange.fetchPieces(cid, signal)
      locations.blockFetched()
      return block
    }
  })

  const stop = async (): Promise<void> => {
    await folderSync.detach()
    await vault.stop()
    notices.stop()
    deviceSync.stop(); bookExchange.detach(); holdings.detach(); shares.detach(); locations.stop()
    await devices.stop()
    backups.stop()
    keeper.stop()
    exchange.stop()
    await blockServer.stop()
    await helia.stop()
  }
  const setPaused = (next: boolean): void => {
    if (next === paused) return
    paused = next
    log.info(paused ? 'syncing paused' : 'syncing resumed')
    if (paused) {
      keeper.stop()
      for (const connection of helia.libp2p.getConnections()) void connection.close().catch(() => {})
    } else {
      keeper.start()
    }
    emit('network.changed', undefined)
  }
  return { handlers, vault, helia, backups, stop, setPaused, paused: () => paused, syncFolders: () => folderSync.list() }
}

function keepSafely (keeper: PeerKeeper, address: string, log: Log): void {
  try {
    keeper.keep(address)
  } catch (err) {
    log.warn(`ignoring relay address ${address}: ${toErrorPayload(err).message}`)
  }
}
