/// <reference lib="webworker" />
import { webSockets } from '@libp2p/websockets'
import { bufferLogger } from '../../core/node/component-logger.ts'
import { createNode } from '../../core/node/create-node.ts'
import { LogBuffer } from '../../core/node/log-buffer.ts'
import { createNodeHandlers } from '../../core/node/node-handlers.ts'
import { createHistoryHandlers } from '../../core/node/history-handlers.ts'
import { createNetworkHandlers } from '../../core/node/network-handlers.ts'
import { loadNetworkSettings, saveNetworkSettings } from '../../core/node/network-settings.ts'
import { PeerKeeper } from '../../core/node/peer-keeper.ts'
import { TrafficMetrics } from '../../core/node/traffic-metrics.ts'
import { createBackupHandlers } from '../../core/node/backup-handlers.ts'
import { BackupPeers } from '../../core/protocols/backup/device/backup-peers.ts'
import { VaultShares } from '../../core/vault/vault-shares.ts'
import { createShareHandlers } from '../../core/node/share-handlers.ts'
import { createDeviceHandlers } from '../../core/node/device-handlers.ts'
import { createFileLocationHandlers } from '../../core/node/file-location-handlers.ts'
import { createDeviceRemovalHandlers } from '../../core/node/device-removal-handlers.ts'
import { createVaultDeviceRemoval } from '../../core/node/vault-device-removal.ts'
import { RotatedElsewhere } from '../../core/node/rotated-elsewhere.ts'
import { bringIndexUnderKey } from '../../core/vault/handed-over-index.ts'
import { BackupClient } from '../../core/protocols/backup/backup-client.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { FileLocations } from '../../core/vault/file-locations.ts'
import { watchFetches } from '../../core/vault/fetch-watch.ts'
import { bitswapForget } from '../../core/node/bitswap-forget.ts'
import { shareCopyContent } from '../../core/vault/share-copies.ts'
import { Devices } from '../../core/node/devices.ts'
import { DeviceBookExchange } from '../../core/node/device-book-exchange.ts'
import { DeviceHoldings } from '../../core/node/device-holdings.ts'
import { describeDevice } from '../../core/vault/device-name.ts'
import { shareHints } from '../../core/share/share-hints.ts'
import { loadAppConfig } from './app-config.ts'
import type { HandlerMap } from '../../core/rpc/handlers.ts'
import { VaultService } from '../../core/vault/vault-service.ts'
import { toErrorPayload } from '../../core/errors.ts'
import { openBrowserStores } from '../browser-stores.ts'
import { NodeTabs } from './node-tabs.ts'
import { createWorkerTagHasher } from './worker-tag-hasher.ts'
import { sharedFileSource } from './shared-file-source.ts'
import type { EventName, FileDamage, NodeEvents } from '../../core/rpc/api.ts'
import { bitswapBlockSource } from '../../core/node/bitswap-block-source.ts'
import { createStorageHandlers } from '../../core/node/storage-handlers.ts'
import { blockLinks } from '../../core/protocols/backup/dag-fetch.ts'
import { readWholeBlock } from '../../core/storage/read-block.ts'
import { BlockRepair } from '../../core/vault/block-repair.ts'
import { FileHealthBook } from '../../core/vault/file-health.ts'
import { DeviceSync } from '../../core/node/device-sync.ts'
// NOTICES (issue 11)
import { Notices } from '../../core/node/notices.ts'
import { noticeSources } from '../../core/node/notice-sources.ts'
import { createNoticeHandlers } from '../../core/node/notice-handlers.ts'

declare const self: DedicatedWorkerGlobalScope

/**
 * The node host: one per origin, started by the leader tab (DESIGN §2). It
 * owns the OPFS blockstore, the IndexedDB datastore, the Helia node and the
 * vault; tabs reach it only through RPC messages.
 */
const logs = new LogBuffer()
const log = logs.for('node')
const tabs = new NodeTabs()
// NOTICES: set once the node runs; the notices look again when files, backup or the lock state change.
let afterEvent: (event: EventName) => void = () => {}
const emit = <E extends EventName>(event: E, data: NodeEvents[E]): void => { tabs.emit(event, data); afterEvent(event) }
logs.subscribe((line) => { emit('log', line) })

async function startNode (): Promise<{ handlers: HandlerMap, vault: VaultService }> {
  const stores = await openBrowserStores()
  const [appConfig, networkSettings] = await Promise.all([loadAppConfig(), loadNetworkSettings(stores.datastore)])
  let relays = networkSettings.relays ?? appConfig.relays
  const traffic = new TrafficMetrics()
  const helia = createNode({
    agentName: 'cairn-browser',
    allowPrivateAddresses: true,
    // Listening on /p2p-circuit makes a reservation on each relay we connect to.
    listen: ['/p2p-circuit']
  }, {
    blockstore: stores.blockstore,
    datastore: stores.datastore,
    transports: [webSockets()],
    logger: bufferLogger(logs),
    metrics: traffic.metrics()
  })
  await helia.start()
  log.info(`node started, peer id ${helia.libp2p.peerId.toString()}`)
  const keeper = new PeerKeeper({ libp2p: helia.libp2p, log: logs.for('network') })
  const keepRelays = (): void => { for (const relay of relays) keepSafely(keeper, relay) }
  keepRelays()
  keeper.start()
  for (const event of ['connection:open', 'connection:close', 'self:peer:update'] as const) {
    helia.libp2p.addEventListener(event, () => { emit('network.changed', undefined) })
  }

  // Reads fetch blocks this device lacks from peers and keep them; where files live hears of each.
  const readBlockstore = watchFetches(helia.blockstore, () => { locations.blockFetched() })
  // Called only once `vault` below exists.
  const unlockedVault = (): VaultService | undefined => vault.status().state === 'unlocked' ? vault : undefined
  // Device holders come from sync's reports (issue 10 wiring); none until then.
  const locations = new FileLocations({
    store: stores.blockstore,
    fetchStore: readBlockstore,
    datastore: stores.datastore,
    log: logs.for('files'),
    backupHolders: (root) => backups.holdersOf(root),
    // `holdings` (below) exists before the vault can unlock.
    deviceHolders: (root): string[] => holdings.holders(root),
    shareContent: async () => shareCopyContent(await (unlockedVault()?.shareStore().list() ?? Promise.resolve([]))),
    inUse: (root) => unlockedVault()?.files().inUse(root) ?? false,
    forgetSent: bitswapForget(helia),
    online: () => helia.libp2p.getConnections().length > 0,
    onChanged: () => { emit('files.locations.changed', undefined) }
  })
  helia.libp2p.addEventListener('peer:connect', () => { void locations.fetchKept() })

  /** Counts unlocks and locks, so a late step of an old unlock can tell it is stale. */
  let vaultSessions = 0
  const backups = new BackupPeers({
    libp2p: helia.libp2p,
    datastore: stores.datastore,
    keeper,
    log: logs.for('backup'),
    onChanged: () => { emit('backup.changed', undefined); emit('files.changed', undefined); emit('shares.changed', undefined); locations.holdersChanged() },
    // Another device rotated the vault key: take its hand-over and lock (`rotated` exists before any peer answers).
    onVaultRotated: (peerId) => { void rotated.heard(peerId) }
  }, helia.libp2p.peerId.toString())
  await backups.start()

  // The vault's other devices: pushed to on every change, pulled from through the backup peers.
  const deviceSync = new DeviceSync({
    libp2p: helia.libp2p,
    networkBlockstore: helia.blockstore,
    log: logs.for('sync'),
    relays: () => relays,
    backup: { peers: () => backups.list().map(p => p.peerId), heads: async (peerId) => await backups.heads(peerId) },
    onChanged: () => { emit('files.changed', undefined); backups.changed() },
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
    bookExchange.changed(devices.directory.memberIds().filter(id => connected.has(id) && id !== helia.libp2p.peerId.toString()))
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
  // Ended on lock, so the hash worker keeps no dedup key while the vault is closed.
  const hashTag = createWorkerTagHasher()
  const vault = new VaultService({
    blockstore: stores.blockstore,
    readBlockstore,
    readHealth: {
      repair,
      onHealth: (fileId, state) => {
        // Runs inside a read: it must not throw (the vault may lock meanwhile).
        // Reads can only start once `vault` below exists.
        const path = vault.status().state === 'unlocked' ? vault.files().list().find(f => f.fileId === fileId)?.path : undefined
        if (path !== undefined) fileHealth({ fileId, path, state })
      }
    },
    datastore: stores.datastore,
    hashTag,
    log: logs.for('vault'),
    deviceId: helia.libp2p.peerId.toString(),
    // An unlock took a rotated key: the index this device held was under the old one; fetch it from the backup peers.
    onHandedOver: async (vaultKey) => {
      await bringIndexUnderKey({
        networkBlockstore: readBlockstore,
        datastore: stores.datastore,
        peers: () => backups.list().map(peer => multiaddr(peer.address)),
        client: (signer) => new BackupClient({ libp2p: helia.libp2p }, { signer }),
        log: logs.for('vault')
      }, vaultKey)
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
      void devices.unlocked(session.devicesKey, session.boxKey).then(async () => {
        if (opened !== vaultSessions) return
        await bookExchange.attach(devices.directory)
        await holdings.attach()
        await bookMayHaveChanged()
      }).catch(() => {})
    },
    onLocked: () => { vaultSessions++; hashTag.wipe(); deviceSync.detach(); bookExchange.detach(); holdings.detach(); backups.detach(); shares.detach(); locations.detach(); devices.locked() }
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
    origin: self.location.origin,
    hints: ({ relayOnly }) => shareHints({
      backupPeers: backups.list(),
      relays,
      ownAddresses: helia.libp2p.getMultiaddrs().map(ma => ma.toString()),
      relayOnly,
      appHost: self.location.hostname
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
    deviceId: helia.libp2p.peerId.toString(),
    log: logs.for('devices')
  })
  const rotated = new RotatedElsewhere({
    vault,
    datastore: stores.datastore,
    deviceId: helia.libp2p.peerId.toString(),
    handover: async (peerId) => await backups.handover(peerId),
    busy: () => removal.busy(),
    log: logs.for('devices')
  })
  // Backup pins the live shares (shares ask backup to drop one, above).
  backups.pinAlso(() => shares.activePins())
  // NOTICES: what the user hears of with the app in the background (the page shows them as browser notifications).
  const notices = new Notices({
    datastore: stores.datastore,
    log: logs.for('notices'),
    emit: (notice) => { emit('notice', notice) },
    ...noticeSources({ vault, backups, nameOf: (peerId) => devices.directory.nameOf(peerId) }), // `devices` (below) exists before any name is asked
    storage: async () => {
      const { usage, quota } = await self.navigator.storage.estimate()
      return usage !== undefined && quota !== undefined ? { usedBytes: usage, totalBytes: quota } : undefined
    }
  })
  await notices.start()
  afterEvent = (event) => { if (event === 'files.changed' || event === 'backup.changed' || event === 'vault.status') notices.changedSoon() }
  const devices = new Devices({
    helia,
    vault,
    datastore: stores.datastore,
    backups,
    relays: () => relays,
    adoptRelays: async (theirs) => {
      const next = [...relays, ...theirs.filter(relay => !relays.includes(relay))]
      if (next.length === relays.length) return
      relays = next
      await saveNetworkSettings(stores.datastore, { relays })
      keepRelays()
      emit('network.changed', undefined)
    },
    keep: (address) => { keeper.keep(address) },
    origin: self.location.origin,
    describe: describeDevice(self.navigator.userAgent),
    log: logs.for('devices'),
    onChanged: () => { emit('devices.changed', undefined); void bookMayHaveChanged().catch(() => {}) },
    onPairing: (event) => { emit('devices.pairing', event) },
    // A device that just joined (either side): sync the index and swap books with it now.
    onDeviceJoined: (peerId) => {
      logs.for('devices').info(`device …${peerId.slice(-8)} is a member now`)
      void deviceSync.syncNow(peerId)
      bookExchange.changed([peerId])
      notices.deviceJoined(peerId) // NOTICES
    }
  })
  await devices.start()
  await vault.start()
  // Tabs may still show the previous leader's state: tell them where this node stands.
  emit('vault.status', vault.status())

  const handlers: HandlerMap = {
    ...createNodeHandlers({
      vault,
      helia,
      logs,
      storedBytes: async () => stores.storedBytes(),
      onUploadProgress: (progress) => { emit('upload.progress', progress) },
      onFilesChanged: () => { emit('files.changed', undefined); backups.changed(); locations.filesChanged() },
      log: logs.for('files'),
      onBackup: (cid) => backups.holds(cid),
      healthOf: (fileId) => health.get(fileId),
      openShared: sharedFileSource(self.location.origin)
    }),
    ...createNetworkHandlers({
      helia,
      keeper,
      relays: () => relays,
      setRelays: async (next) => {
        for (const relay of relays) keeper.forget(relay)
        relays = next
        await saveNetworkSettings(stores.datastore, { relays })
        keepRelays()
        emit('network.changed', undefined)
      },
      fetch: globalThis.fetch.bind(globalThis),
      traffic
    }),
    ...createBackupHandlers({ vault, backups, helia, datastore: stores.datastore, log: logs.for('backup') }),
    ...createShareHandlers(shares),
    ...createDeviceHandlers(devices.handlers, createFileLocationHandlers({ vault, locations, onFilesChanged: () => { emit('files.changed', undefined); backups.changed(); locations.filesChanged() }, beforeFree: async () => { await holdings.askConnected() }, onLocationsAsked: () => { holdings.refreshStale() } })),
    ...createDeviceRemovalHandlers(removal, () => { emit('devices.changed', undefined); emit('backup.changed', undefined) }, logs.for('devices')),
    ...createHistoryHandlers({ vault, onFilesChanged: () => { emit('files.changed', undefined); backups.changed(); locations.filesChanged() } }),
    ...createStorageHandlers({
      store: stores.blockstore,
      repair,
      files: () => vault.status().state === 'unlocked' ? vault.files().namedContent() : [],
      readLocal: async (cid) => await readWholeBlock(stores.blockstore, cid),
      linksOf: async (cid, bytes) => await blockLinks(helia, cid, bytes),
      log: logs.for('storage'),
      onProgress: (progress) => { emit('storage.check.progress', progress) },
      onFileHealth: fileHealth
    }),
    ...createNoticeHandlers(notices) // NOTICES
  }
  return { handlers, vault }
}

function keepSafely (keeper: PeerKeeper, address: string): void {
  try {
    keeper.keep(address)
  } catch (err) {
    log.warn(`ignoring relay address ${address}: ${toErrorPayload(err).message}`)
  }
}

const ready = startNode()
ready.catch((err: unknown) => { log.error(`node failed to start: ${toErrorPayload(err).message}`) })

tabs.listen(ready)
