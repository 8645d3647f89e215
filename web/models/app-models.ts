import { computed, effect, type ReadonlySignal } from '@preact/signals'
import type { RpcClient, VaultState } from '../../core/rpc/api.ts'
import { watchActivity } from '../lib/activity.ts'
import type { HashLocation } from '../lib/hash-location.ts'
import type { StorageAccess } from '../lib/storage-access.ts'
import { createBackupModel, type BackupModel } from './backup-model.ts'
import { createDashboardModel, type DashboardModel } from './dashboard-model.ts'
import { createFilesModel, type FilesModel } from './files-model.ts'
import { createLogsModel, type LogsModel } from './logs-model.ts'
import { createOnboardingModel, type OnboardingModel } from './onboarding-model.ts'
import { createPeersModel, type PeersModel } from './peers-model.ts'
import { createRelaySettingsModel, type RelaySettingsModel } from './relay-settings-model.ts'
import { createRestoreModel, type RestoreModel } from './restore-model.ts'
import { createRevealPhraseModel, type RevealPhraseModel } from './reveal-phrase-model.ts'
import { createRouteModel, type RouteModel } from './route-model.ts'
import { startPairingLink } from './pairing-link-model.ts'
import { createSettingsModel, type SettingsModel } from './settings-model.ts'
import { createSharedInboxModel, type SharedFilesSource, type SharedInboxModel } from './shared-inbox-model.ts'
import { createSharesModel, type NativeShareData, type SharesModel } from './shares-model.ts'
import { createUnlockModel, type UnlockModel } from './unlock-model.ts'
import { createUpdateModel, type UpdateModel } from './update-model.ts'
import { createUploadsModel, type UploadsModel } from './uploads-model.ts'
import { createVaultModel, type VaultModel } from './vault-model.ts'
import { createVersionsModel, type VersionsModel } from './versions-model.ts'
import { createTrashModel, type TrashModel } from './trash-model.ts'
import { createRetentionModel, type RetentionModel } from './retention-model.ts'
import { createStorageHealthModel, type StorageHealthModel } from './storage-health-model.ts'
import { createDevicesModel, type DevicesModel } from './devices-model.ts'
import { createRemoveDeviceModel, type RemoveDeviceModel } from './remove-device-model.ts'
import { createAddDeviceModel, type AddDeviceModel } from './add-device-model.ts'
import { createJoinDeviceModel, type JoinDeviceModel } from './join-device-model.ts'
import { createFileLocationsModel, type FileLocationsModel } from './file-locations-model.ts'
import { createConflictModel, type ConflictModel } from './conflict-model.ts'
import { createDesktopPeerModel, type DesktopPeerModel } from './desktop-peer-model.ts'
import { createNoticesModel, type NoticesModel } from './notices-model.ts'
import { browserNoticeHost, type NoticeHost } from '../lib/notice-host.ts'
import { browserDirectoryPicker, createSyncModel, type SyncModel } from './sync-model.ts'
import { createSyncRestoreModel, type SyncRestoreModel } from './sync-restore-model.ts'
import { isDesktopApp } from '../lib/desktop-host.ts'
import { createToastsModel, type ToastsModel } from './toasts-model.ts'
import { onDownloadFailed } from '../lib/download-frame.ts'
import { startToastWiring } from './toast-wiring.ts'
import { createViewerModel, type ViewerModel } from './viewer-model.ts'
import { createThumbnailsModel, type ThumbnailsModel } from './thumbnails-model.ts'
import { createFilesLayoutModel, type FilesLayoutModel } from './files-layout.ts'
import { createThumbnailMaker, type ThumbnailMaker } from '../thumbnails/thumbnail-maker.ts'

/** Every model of the app, built once per page from the one RPC client. */
export interface AppModels {
  vault: VaultModel
  onboarding: OnboardingModel
  /** "Restore a vault" from a backup peer, offered where onboarding starts. */
  restore: RestoreModel
  unlock: UnlockModel
  files: FilesModel
  uploads: UploadsModel
  logs: LogsModel
  dashboard: DashboardModel
  settings: SettingsModel
  /** Settings → Relays. */
  relays: RelaySettingsModel
  peers: PeersModel
  backup: BackupModel
  /** Share links: the Share dialog and "My shares". */
  shares: SharesModel
  reveal: RevealPhraseModel
  route: RouteModel
  /** Takes a pairing link out of the address bar and fills Backup's form once unlocked. */
  pairingLink: { start: () => () => void }
  update: UpdateModel
  /** Files shared to Cairn from the OS share sheet, waiting for the vault and the user's "Add to vault". */
  sharedInbox: SharedInboxModel
  /** A file's "Versions" dialog. */
  versions: VersionsModel
  /** Deleted files, restoring and emptying. */
  trash: TrashModel
  /** Settings → how long earlier versions are kept. */
  retention: RetentionModel
  /** Damaged or repaired files, and Settings → "Check stored data". */
  storageHealth: StorageHealthModel
  /** The Devices page's list and inline rename. */
  devices: DevicesModel
  /** "Remove device", after confirmation. */
  removeDevice: RemoveDeviceModel
  /** "Add a device" (this device shows the offer). */
  addDevice: AddDeviceModel
  /** "Join my vault from another device" (this device joins), from onboarding or a `#/join?offer=…` link. */
  join: JoinDeviceModel
  /** Where each file lives, "Keep on this device", "Free up space". */
  fileLocations: FileLocationsModel
  /** "Resolve…" on a conflict copy. */
  conflicts: ConflictModel
  /** The desktop app only: "This computer is a backup peer" on the Backup page. */
  desktopPeer: DesktopPeerModel
  /** The node's notices (in the page or as browser notifications) and Settings → Notifications. */
  notices: NoticesModel
  /** Folder sync: the Sync page and the page title. */
  sync: SyncModel
  /** The RPC client itself, for a settings section too small to need a model (the desktop's network access). */
  client: RpcClient
  /** Which screen shows: onboarding until it is finished, then by vault state. */
  screen: ReadonlySignal<'loading' | 'onboarding' | 'locked' | 'unlocked'>
  /** A modal dialog is open (the page behind it is hidden from assistive tech). */
  dialogOpen: ReadonlySignal<boolean>
  /** Short notes about finished work and failures ("12 files added"). */
  toasts: ToastsModel
  /** Where the page's own system notifications go (toasts of work that ended while the tab was hidden). */
  noticeHost: NoticeHost
  /** The file viewer (open, next/previous, close). */
  viewer: ViewerModel
  /** Thumbnails of the files, made on this device where it has the file. */
  thumbnails: ThumbnailsModel
  /** The Files page as a list or a grid. */
  filesLayout: FilesLayoutModel
  /** The Sync page's "Restore a folder…". */
  syncRestore: SyncRestoreModel
}

export interface AppModelsInit {
  client: RpcClient
  storage: StorageAccess | undefined
  location: HashLocation
  update?: UpdateModel
  /** Debounce for passphrase strength checks (tests shorten it). */
  checkDelayMs?: number
  /** Refresh periods of the Peers and Backup pages (tests shorten them). */
  peersPollMs?: number
  backupPollMs?: number
  /** The system share sheet; defaults to `navigator.share` where the browser has one. */
  nativeShare?: (data: NativeShareData) => Promise<void>
  /** Where files shared from the OS share sheet wait (the service worker); none: every share counts as lost. */
  sharedFiles?: SharedFilesSource
  /** Rewrites the hash without a history entry (defaults to `location.set`). */
  replaceHash?: (hash: string) => void
  /** The page's origin, to rebuild a device join link (window.location.origin). */
  origin?: string
  /** Where notices show; defaults to this browser's Notification API. */
  noticeHost?: NoticeHost
  /** Makes thumbnails (default: a pool of workers, started on first use). */
  thumbnailMaker?: ThumbnailMaker
}

export function createAppModels (init: AppModelsInit): AppModels {
  const { client, storage, checkDelayMs } = init
  const vault = createVaultModel(client)
  const route = createRouteModel(init.location)
  const files = createFilesModel(client)
  const viewer = createViewerModel()
  // A file row's primary action opens the viewer, which steps through the files beside it.
  files.browse.setFileOpener((file) => { viewer.open(file, files.browse.rows.peek().flatMap(row => row.kind === 'file' ? [row.file] : [])) })
  const reveal = createRevealPhraseModel(client, vault.setStatus)
  const onboarding = createOnboardingModel({ client, storage, checkDelayMs, onDone: () => { route.go('files'); void vault.refresh() } })
  const restore = createRestoreModel({
    client,
    checkDelayMs,
    onRestored: (status) => {
      route.go('files')
      vault.setStatus(status)
    }
  })
  const backup = createBackupModel({ client, pollMs: init.backupPollMs })
  const unlock = createUnlockModel({
    client,
    checkDelayMs,
    status: vault.status,
    onOpened: (status) => {
      // Whatever page was open before the lock, unlocking lands on the files.
      route.go('files')
      vault.setStatus(status)
    }
  })
  const join = createJoinDeviceModel({
    client,
    location: init.location,
    replaceHash: init.replaceHash,
    origin: init.origin,
    vaultState: vault.state,
    checkDelayMs,
    onJoined: (status) => {
      route.go('files')
      vault.setStatus(status)
    }
  })
  const screen = computed(() => {
    // A restore or a join may announce "unlocked" before it returns; stay on its busy screen until it does.
    if (onboarding.inProgress.value || restore.busy.value || join.inProgress.value) return 'onboarding'
    const state = vault.state.value
    if (state === undefined) return 'loading'
    return state === 'none' ? 'onboarding' : state
  })
  const fileLocations = createFileLocationsModel(client)
  const thumbnails = createThumbnailsModel({
    client,
    maker: init.thumbnailMaker ?? createThumbnailMaker(),
    isLocal: (fileId) => fileLocations.locations.peek()[fileId]?.local !== 'none'
  })
  const uploads = createUploadsModel(client, { existingPaths: () => new Set(files.files.peek().map(f => f.path)), onStored: thumbnails.fromUpload })
  const versions = createVersionsModel(client)
  const trash = createTrashModel({ client, files: files.files })
  const shares = createSharesModel({ client, nativeShare: init.nativeShare ?? browserShare() })
  const devices = createDevicesModel({ client })
  const removeDevice = createRemoveDeviceModel(client, () => { void devices.refresh() })
  const addDevice = createAddDeviceModel({ client, onPaired: () => { void devices.refresh() } })
  const conflicts = createConflictModel(client, files.files)
  const desktopPeer = createDesktopPeerModel({ client, peers: backup.peers, onPaired: () => { void backup.refresh() } })
  const noticeHost = init.noticeHost ?? browserNoticeHost()
  const sharedInbox = createSharedInboxModel({
    location: init.location,
    replaceHash: init.replaceHash,
    source: init.sharedFiles ?? { take: async () => undefined },
    screen,
    uploads,
    vaultFiles: files.files,
    vaultListed: computed(() => !files.loading.value && files.error.value === undefined)
  })
  return {
    vault,
    onboarding,
    restore,
    unlock,
    files,
    uploads,
    logs: createLogsModel(client),
    dashboard: createDashboardModel(client, storage),
    settings: createSettingsModel({ client, status: vault.status, onStatus: vault.setStatus, checkDelayMs }),
    relays: createRelaySettingsModel(client),
    peers: createPeersModel({ client, pollMs: init.peersPollMs }),
    backup,
    shares,
    reveal,
    route,
    pairingLink: { start: () => startPairingLink({ location: init.location, replaceHash: init.replaceHash, screen, backup, route }) },
    update: init.update ?? createUpdateModel(),
    sharedInbox,
    versions,
    trash,
    retention: createRetentionModel(client),
    storageHealth: createStorageHealthModel(client),
    devices,
    removeDevice,
    addDevice,
    join,
    fileLocations,
    conflicts,
    desktopPeer,
    notices: createNoticesModel(client, noticeHost),
    sync: createSyncModel({ client, desktop: isDesktopApp(), picker: browserDirectoryPicker() }),
    client,
    screen,
    dialogOpen: computed(() => files.renaming.value !== undefined || files.deleting.value !== undefined || reveal.asking.value || backup.removing.value !== undefined ||
      shares.sharing.value !== undefined || shares.stopping.value !== undefined ||
      uploads.conflict.value !== undefined || versions.file.value !== undefined || trash.confirmingEmpty.value ||
      removeDevice.removing.value !== undefined || addDevice.stage.value !== 'closed' || conflicts.resolving.value !== undefined ||
      viewer.file.value !== undefined || files.browse.newFolderName.value !== undefined || files.browse.renamingFolder.value !== undefined ||
      files.browse.moving.value !== undefined || files.browse.deletingMany.value !== undefined || files.browse.shortcutsOpen.value),
    viewer,
    thumbnails,
    filesLayout: createFilesLayoutModel(),
    toasts: createToastsModel(),
    noticeHost,
    syncRestore: createSyncRestoreModel({ client, desktop: isDesktopApp(), picker: browserDirectoryPicker(), files: files.files, folders: files.folders })
  }
}

/** `navigator.share` where there is one (not in Firefox on desktop, nor in Node). */
function browserShare (): ((data: NativeShareData) => Promise<void>) | undefined {
  if (typeof navigator === 'undefined' || typeof navigator.share !== 'function') return undefined
  return async (data) => { await navigator.share(data) }
}

/**
 * Subscribes the models to the node's events and to each other: unlocking
 * loads the files and resumes uploads; locking forgets file names, typed
 * passphrases and shown recovery words. Reports user activity (throttled) so
 * the node's idle timer restarts. Returns the stop function.
 */
export function startAppModels (m: AppModels, client: RpcClient, activityTarget?: EventTarget): () => void {
  const stops = [m.vault.start(), m.files.start(), m.uploads.start(), m.logs.start(), m.route.start(), m.sharedInbox.start(), m.pairingLink.start(), m.storageHealth.start(),
    m.addDevice.start(), m.join.start(), m.fileLocations.start(), m.notices.start(), m.sync.start(),
    startToastWiring({ toasts: m.toasts, uploads: m.uploads, client, host: m.noticeHost }),
    // A download that failed before its first byte (web/lib/download-frame.ts) says why in a toast.
    onDownloadFailed(({ title, detail }) => { m.toasts.show({ tone: 'error', text: `${title}. ${detail}` }) })]
  let previous: VaultState | undefined
  stops.push(effect(() => {
    const state = m.vault.state.value
    if (state === previous) return
    previous = state
    if (state === 'unlocked') {
      void m.files.refresh()
      void m.files.takeCutOff()
      void m.fileLocations.refresh()
      void m.sync.refresh()
      m.uploads.resume()
    } else if (state === 'locked' || state === 'none') {
      m.files.clear()
      m.uploads.pause()
      m.settings.reset()
      m.relays.reset()
      m.peers.reset()
      m.backup.reset()
      m.shares.reset()
      m.storageHealth.reset()
      m.reveal.hide()
      m.versions.close()
      m.trash.reset()
      m.retention.reset()
      m.devices.reset()
      m.removeDevice.cancel()
      m.addDevice.close()
      m.conflicts.close()
      m.fileLocations.clear()
      m.desktopPeer.reset()
      m.notices.reset()
      m.sync.reset()
      m.toasts.reset()
      m.viewer.close()
      m.thumbnails.clear()
      m.syncRestore.reset()
    }
  }))
  if (activityTarget !== undefined) {
    stops.push(watchActivity(activityTarget, () => {
      if (m.vault.state.peek() !== 'unlocked') return
      // Losing one activity report only means the vault may lock a little early.
      client.call('vault.activity', undefined).catch(() => {})
    }))
  }
  return () => { for (const stop of stops) stop() }
}
