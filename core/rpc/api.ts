/**
 * The node's API as the UI sees it: one entry per method, its argument and
 * its result. The worker implements it as a handler map; the page calls it
 * through `RpcClient.call(method, args)`. Everything here must survive
 * structured clone (no functions, no class instances except File/Blob).
 *
 * The shapes the methods and events carry live in a file per area
 * (api-vault, api-files, api-storage, api-network, api-shares) and are
 * re-exported here, so every `import type { … } from '…/rpc/api.ts'` works.
 */

import type { DeviceInfo, DeviceOffer, FileLocation, FreedSpace, JoinStarted, PairingEvent } from './api-devices.ts'
import type { AddFileArgs, AddFileResult, AddSharedFileArgs, FileInfo, FileVersion, ThumbnailData, TrashItem, TrashRestoreResult, UploadProgress, VersionRetention } from './api-files.ts'
import type { AddedBackupPeer, BackupPeerInfo, ConnectionInfo, NetworkStatus, RelayPing, VerifyResult } from './api-network.ts'
import type { ShareInfo } from './api-shares.ts'
import type { FileDamage, StorageCheckProgress, StorageCheckResult } from './api-storage.ts'
import type { LogLine, NodeInfo, PassphraseCheck, VaultStats, VaultStatus } from './api-vault.ts'
import type { DesktopBackupPeerInfo, DesktopNetworkSettings } from './api-desktop.ts'
import type { Notice, NoticeSettings } from './api-notices.ts'
import type { AddSyncFolderArgs, RestoreFolderArgs, RestoreProgress, SyncFolderInfo, SyncMode } from './api-sync.ts'

export type * from './api-devices.ts'
export type * from './api-files.ts'
export type * from './api-network.ts'
export type * from './api-shares.ts'
export type * from './api-storage.ts'
export type * from './api-vault.ts'
export type * from './api-desktop.ts'
export type * from './api-notices.ts'
export type * from './api-sync.ts'

export interface NodeApi {
  'vault.status': { args: undefined, result: VaultStatus }
  'vault.checkPassphrase': { args: { passphrase: string }, result: PassphraseCheck }
  /** Creates a vault; returns the 24-word recovery phrase to show once. */
  'vault.create': { args: { passphrase: string }, result: { recoveryPhrase: string } }
  'vault.unlock': { args: { passphrase: string }, result: VaultStatus }
  /** "Forgot passphrase": opens the vault with the phrase and sets a new passphrase. */
  'vault.recover': { args: { recoveryPhrase: string, newPassphrase: string }, result: VaultStatus }
  'vault.lock': { args: undefined, result: VaultStatus }
  'vault.changePassphrase': { args: { currentPassphrase: string, newPassphrase: string }, result: undefined }
  'vault.revealRecoveryPhrase': { args: { passphrase: string }, result: { recoveryPhrase: string } }
  'vault.setAutoLock': { args: { minutes: number }, result: VaultStatus }
  /** The user typed the recovery phrase back: the status stops carrying `recoveryPhraseUnconfirmed`. VAULT_LOCKED when locked. */
  'vault.confirmRecoveryPhrase': { args: undefined, result: VaultStatus }
  /** The user did something: restarts the idle timer. */
  'vault.activity': { args: undefined, result: undefined }
  'files.list': { args: undefined, result: FileInfo[] }
  /** The paths of uploads a closed tab or a crash cut off, found at this unlock; handed out once (the page asks the user to add them again). */
  'files.takeCutOff': { args: undefined, result: string[] }
  'files.add': { args: AddFileArgs, result: AddFileResult }
  /** "Save to my vault" on a share link's page. */
  'files.addShared': { args: AddSharedFileArgs, result: AddFileResult }
  'files.rename': { args: { fileId: string, path: string }, result: FileInfo }
  'files.delete': { args: { fileId: string }, result: undefined }
  'stats.get': { args: undefined, result: VaultStats }
  'node.info': { args: undefined, result: NodeInfo }
  'logs.recent': { args: undefined, result: LogLine[] }
  'network.status': { args: undefined, result: NetworkStatus }
  /** Dials a multiaddr once (the Peers page's "Connect"). */
  'network.connect': { args: { address: string }, result: ConnectionInfo }
  'network.disconnect': { args: { peerId: string }, result: undefined }
  /** Measures the round trip to a connected peer. */
  'network.ping': { args: { peerId: string }, result: { latencyMs: number } }
  /** Relay multiaddrs the node keeps a connection and reservation with (Settings). */
  'network.setRelays': { args: { relays: string[] }, result: NetworkStatus }
  /** GET <relay http>/ping for a relay multiaddr's host, so the app can check it before dialling. */
  'network.pingRelay': { args: { url: string }, result: RelayPing }
  /** Pairs a backup peer with this vault (address + the one-time code it printed). */
  'backup.add': { args: { address: string, code: string }, result: AddedBackupPeer }
  'backup.remove': { args: { peerId: string }, result: undefined }
  'backup.list': { args: undefined, result: BackupPeerInfo[] }
  /** Asks the peer to re-read and re-hash a random sample of what it holds. */
  'backup.verify': { args: { peerId: string }, result: VerifyResult }
  /** A fresh browser: recovery phrase + backup peer → the vault comes back, with a new passphrase. */
  'vault.restore': { args: { recoveryPhrase: string, peerAddress: string, newPassphrase: string }, result: VaultStatus }
  /**
   * Makes a share link for a vault file, or for a snapshot of a folder (every
   * file under `folder`), or of chosen files as one folder-style link (paths
   * relative to `base`, the link named `name`), as copies under fresh keys,
   * pinned on the backup peers.
   */
  'shares.create': { args: { fileId: string, expiresAt?: number, relayOnly?: boolean } | { folder: string, expiresAt?: number, relayOnly?: boolean } | { fileIds: string[], base: string, name: string, expiresAt?: number, relayOnly?: boolean }, result: ShareInfo }
  /** The links I made, newest first. */
  'shares.list': { args: undefined, result: ShareInfo[] }
  /** "Stop sharing": unpins the share's copy from the backup peers and deletes it here. */
  'shares.stop': { args: { id: string }, result: undefined }
  /** A file's earlier versions, newest first. */
  'files.versions': { args: { fileId: string }, result: FileVersion[] }
  /** Makes an earlier version current; the one it replaces becomes a version. */
  'files.restoreVersion': { args: { fileId: string, versionId: string }, result: FileInfo }
  'trash.list': { args: undefined, result: TrashItem[] }
  /** Brings a file back, to `path` (default: where it was). */
  'trash.restore': { args: { fileId: string, path?: string }, result: FileInfo }
  /** Brings many files back where they were, in one index update; a taken name gets "name (2).ext". */
  'trash.restoreMany': { args: { fileIds: string[] }, result: TrashRestoreResult }
  /** Deletes for good these files (default: everything in the Trash). */
  'trash.empty': { args: { fileIds?: string[] }, result: undefined }
  'versions.retention': { args: undefined, result: VersionRetention }
  'versions.setRetention': { args: VersionRetention, result: VersionRetention }
  /** Settings → "Check stored data": re-reads every local block, repairs what a peer can, names damaged files. */
  'storage.check': { args: undefined, result: StorageCheckResult }
  /** Every device of the vault, this one first. */
  'devices.list': { args: undefined, result: DeviceInfo[] }
  'devices.rename': { args: { peerId: string, name: string }, result: DeviceInfo }
  /** Device A, "Add a device": a fresh one-time offer (10 minutes). */
  'devices.offer': { args: undefined, result: DeviceOffer }
  'devices.cancelOffer': { args: { offerId: string }, result: undefined }
  /** Device A: the user compared the safety numbers (`devices.pairing` stage `compare`) and says yes or no. */
  'devices.confirm': { args: { id: string, accept: boolean }, result: undefined }
  /** Device B, "Join my vault from another device": a link, QR content or typed code. Resolves once both sides show the safety number. */
  'devices.join': { args: { offer: string }, result: JoinStarted }
  /** Device B, after stage `received`: wraps the vault key with B's own passphrase and opens the vault. */
  'devices.finishJoin': { args: { id: string, newPassphrase: string }, result: VaultStatus }
  'devices.cancelJoin': { args: { id: string }, result: undefined }
  /** Lost or sold: revokes the device; with `rotate`, also a new vault key the removed device never sees. */
  'devices.remove': { args: { peerId: string, rotate: boolean }, result: undefined }
  /** Where each file's blocks are (by fileId). */
  'files.locations': { args: undefined, result: Record<string, FileLocation> }
  /** "Keep on this device" for a file or every file under a folder (`keep: false` undoes it). `folder`: its path, no trailing '/'. */
  'files.keepLocal': { args: ({ fileId: string } | { folder: string }) & { keep: boolean }, result: undefined }
  /** Drops local blocks of files a backup peer or another device confirmed it holds in full; never others. */
  'files.freeUpSpace': { args: undefined, result: FreedSpace }
  /** A conflict copy: keep it (drop the other), keep the other (drop it), or keep both under their names. */
  'files.resolveConflict': { args: { fileId: string, keep: 'this' | 'other' | 'both', versionId?: string }, result: undefined }
  /** The desktop app's own backup peer: its address and a fresh pairing code; null when it is off (or in a browser). */
  'desktop.backupPeer.info': { args: undefined, result: DesktopBackupPeerInfo | null }
  /** Settings "Serve as a backup peer" (desktop only; a browser throws DESKTOP_ONLY). Returns `info` after the change. */
  'desktop.backupPeer.setEnabled': { args: { enabled: boolean }, result: DesktopBackupPeerInfo | null }
  /** Settings → Notifications: which kinds of notice are on (all by default). */
  'notices.settings': { args: undefined, result: NoticeSettings }
  /** Turns the named kinds on or off; returns every kind's setting. */
  'notices.setSettings': { args: Partial<NoticeSettings>, result: NoticeSettings }
  /** The desktop app's "Connections from your network"; null in a browser (which listens on nothing). */
  'desktop.network': { args: undefined, result: DesktopNetworkSettings | null }
  /** Saves the choice (desktop only; a browser throws DESKTOP_ONLY); it applies when Cairn next starts. */
  'desktop.setNetwork': { args: { acceptFromNetwork: boolean }, result: DesktopNetworkSettings }
  /** The folders the user made (kept even while empty); folders with files are read from the paths. */
  'folders.list': { args: undefined, result: string[] }
  /** A new, empty folder that stays. Throws PATH_EXISTS when a file or folder has that path. */
  'folders.create': { args: { path: string }, result: undefined }
  /** Renames (or moves) a folder: every file under it moves, in one index update. */
  'folders.rename': { args: { path: string, newPath: string }, result: undefined }
  /** Moves files and folders into the folder `to` ('' is the top), in one index update. */
  'files.move': { args: { fileIds: string[], folders: string[], to: string }, result: undefined }
  /** Sends files and folders (with all under them) to the Trash, in one index update. */
  'files.deleteMany': { args: { fileIds: string[], folders: string[] }, result: undefined }
  /** Sync page: starts syncing a folder (a path on the desktop, a picked handle in a browser). */
  'sync.addFolder': { args: AddSyncFolderArgs, result: SyncFolderInfo }
  /** Every synced folder with its state and progress. */
  'sync.listFolders': { args: undefined, result: SyncFolderInfo[] }
  'sync.pause': { args: { id: string }, result: SyncFolderInfo }
  /** Resumes a paused folder, or one the browser has just been allowed to use again. */
  'sync.resume': { args: { id: string }, result: SyncFolderInfo }
  /** Scans now, without waiting for the watcher or the schedule. */
  'sync.syncNow': { args: { id: string }, result: SyncFolderInfo }
  /** A folder waiting because it is empty now ('emptied'): it really is empty, so its files are deleted from the vault (its Trash). */
  'sync.confirmEmpty': { args: { id: string }, result: SyncFolderInfo }
  'sync.setMode': { args: { id: string, mode: SyncMode }, result: SyncFolderInfo }
  /** Stops syncing a folder; nothing is deleted, on disk or in the vault. */
  'sync.removeFolder': { args: { id: string }, result: undefined }
  /** The folder's `.cairnignore` (empty when it has none) and the rules that always apply. */
  'sync.ignoreRules': { args: { id: string }, result: { text: string, defaults: string[] } }
  /** Writes the folder's `.cairnignore` and scans again. */
  'sync.setIgnoreRules': { args: { id: string, text: string }, result: SyncFolderInfo }
  /** Writes every file of a vault folder into an empty folder, with its names, tree and mtimes; `failed`: the files whose content could not be read (the rest are written). */
  'sync.restore': { args: RestoreFolderArgs, result: { files: number, bytes: number, failed: Array<{ path: string, code: string }> } }
  /** How often the folder is scanned on a schedule, in seconds (10 s to a day). */
  'sync.setRescanInterval': { args: { id: string, seconds: number }, result: SyncFolderInfo }
  /** The thumbnail of a file's content (`versionId`: a concurrent edit's): null when none was made yet, 'none' when this device could not make one. */
  'thumbnails.get': { args: { fileId: string, versionId?: string }, result: ThumbnailData | 'none' | null }
  /** Stores a thumbnail made on this device for the content `cid` of the file ('none': it would not decode); ignored once the file has other content. */
  'thumbnails.put': { args: { fileId: string, versionId?: string, cid: string, thumbnail: ThumbnailData | 'none' }, result: undefined }
}

export type MethodName = keyof NodeApi
export type ArgsOf<M extends MethodName> = NodeApi[M]['args']
export type ResultOf<M extends MethodName> = NodeApi[M]['result']

/** Events the node pushes to every tab. */
export interface NodeEvents {
  'vault.status': VaultStatus
  /** The file list changed (add, rename, delete, or a sync later on). */
  'files.changed': undefined
  'upload.progress': UploadProgress
  'log': LogLine
  /** Connections, relays or backup peers changed. */
  'network.changed': undefined
  'backup.changed': undefined
  /** A share was made, stopped, expired, or a peer's hold on one changed. */
  'shares.changed': undefined
  /** A file's stored data was found damaged here, or repaired from a peer. */
  'storage.damage': FileDamage
  'storage.check.progress': StorageCheckProgress
  /** The devices list changed (paired, renamed, removed, seen). */
  'devices.changed': undefined
  /** A pairing moved on, on this device's side (A or B). */
  'devices.pairing': PairingEvent
  /** Where files live changed (fetched, kept, freed, a peer or device reported). */
  'files.locations.changed': undefined
  /** Something the user should hear of even with no window open (core/node/notices.ts). */
  'notice': Notice
  /** A synced folder's state or progress changed. */
  'sync.changed': undefined
  /** A folder restore (`sync.restore`) wrote another file. */
  'sync.restore.progress': RestoreProgress
}

export type EventName = keyof NodeEvents

/** What the page needs from whatever carries calls to the node. */
export interface RpcClient {
  call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>>
  on<E extends EventName>(event: E, listener: (data: NodeEvents[E]) => void): () => void
}
