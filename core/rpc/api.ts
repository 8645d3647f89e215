import type { PassphraseCheck } from '../crypto/passphrase-check.ts'

/**
 * The node's API as the UI sees it: one entry per method, its argument and
 * its result. The worker implements it as a handler map; the page calls it
 * through `RpcClient.call(method, args)`. Everything here must survive
 * structured clone (no functions, no class instances except File/Blob).
 */

export type VaultState = 'none' | 'locked' | 'unlocked'

export interface VaultStatus {
  state: VaultState
  /** Minutes of inactivity before the worker locks the vault by itself. */
  autoLockMinutes: number
}

/** One file as the index knows it, without its key. */
export interface FileInfo {
  fileId: string
  /** Path inside the vault, '/'-separated, no leading slash ("photos/cat.jpg"). */
  path: string
  size: number
  /** Last-modified time of the original file, ms since epoch. */
  mtime: number
  /** MIME type, '' when unknown. */
  type: string
  /** CID (string) of the encrypted UnixFS file. */
  cid: string
  /** True when a paired backup peer holds all of this file's blocks. */
  onBackup?: boolean
  /** Set once a read or a check found this file's stored data damaged here: repaired from a peer, or still damaged. */
  health?: FileHealth
}

/** What a read or a check of this device's stored data found in one file. */
export type FileHealth = 'damaged' | 'repaired'

/** A file found damaged or repaired (the `storage.damage` event): the UI names it. */
export interface FileDamage {
  fileId: string
  path: string
  state: FileHealth
  /** The damage is in an earlier version of the file, or in the Trash, not in what Files shows. */
  where?: 'version' | 'trash'
}

/** Settings → "Check stored data", as it goes. */
export interface StorageCheckProgress {
  blocksChecked: number
  blocksTotal: number
  bytesChecked: number
  bytesTotal: number
  /** Damaged blocks found so far. */
  damaged: number
  /** ms since the check started. */
  elapsedMs: number
}

/** One damaged block a check found. */
export interface DamagedBlock {
  cid: string
  /** Paths of the files it belongs to; empty for the vault's index or data of no file. */
  files: string[]
  /** True when a good copy from a peer replaced it. */
  repaired: boolean
}

/** Settings → "Check stored data": every local block re-read and re-hashed. */
export interface StorageCheckResult {
  blocks: number
  bytes: number
  elapsedMs: number
  damaged: DamagedBlock[]
}

export interface AddFileArgs {
  /** Chosen by the caller so it can match progress events to the upload. */
  uploadId: string
  file: File
  /** Path in the vault; defaults to the file's name. Folder uploads pass `webkitRelativePath`. */
  path?: string
}

/**
 * A file of a share link opened in some tab of this browser, stored into the
 * vault straight from the service worker's stream of it: its plaintext never
 * sits whole in a page, a Blob or a File.
 */
export interface AddSharedFileArgs {
  uploadId: string
  /** Where the service worker serves it: `/download/share/<token>[/<index>]` (web/share/share-download-bridge.ts). */
  source: string
  path: string
  /** Bytes announced by the share: a stream that ends short of it or runs past it keeps nothing. */
  size: number
  type: string
}

export interface AddFileResult {
  file: FileInfo
  /** True when the content was already in the vault and nothing new was stored. */
  deduplicated: boolean
  /** True when a file of that name was there: its content is now an earlier version. */
  replaced?: boolean
  /** True when that very file, same name and same content, was there already: nothing changed. */
  unchanged?: boolean
}

export interface VaultStats {
  fileCount: number
  /** Bytes of plaintext the user stored (sum of file sizes). */
  plaintextBytes: number
  /** Bytes of blocks Cairn holds in its blockstore. */
  storedBytes: number
}

export interface NodeInfo {
  peerId: string
  multiaddrs: string[]
  /** Number of open libp2p connections. */
  connections: number
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface LogLine {
  seq: number
  time: number
  level: LogLevel
  source: string
  message: string
}

/** Passphrase strength as judged by the node (the UI only shows it); defined beside the estimator. */
export type { PassphraseCheck }

/** One open libp2p connection, as the Peers page shows it. */
export interface ConnectionInfo {
  peerId: string
  remoteAddr: string
  /** 'relayed' when it goes through a circuit relay. */
  transport: 'direct' | 'relayed'
  direction: 'inbound' | 'outbound'
  /** Round trip of the last ping, when one was measured. */
  latencyMs?: number
  openedAt: number
  /** Bytes received and sent on this connection, when counted. */
  bytesIn?: number
  bytesOut?: number
}

export interface NetworkStatus {
  peerId: string
  multiaddrs: string[]
  connections: ConnectionInfo[]
  /** Addresses the node keeps connected (relays and backup peers), redialled when lost. */
  kept: Array<{ address: string, peerId: string, connected: boolean, lastError?: string }>
  relays: string[]
}

/** What a relay says about itself on GET /ping. */
export interface RelayPing {
  service: string
  version: string
  peerId: string
  multiaddrs: string[]
  capabilities: string[]
}

export interface BackupPeerInfo {
  peerId: string
  address: string
  online: boolean
  /** ms since epoch of the last successful exchange, 0 when never. */
  lastSeen: number
  /** Files whose content the peer holds completely. */
  filesReplicated: number
  bytesReplicated: number
  /** Items the peer still has to fetch. */
  pending: number
  failed: Array<{ cid: string, reason: string }>
  /** Last error talking to it, if the last attempt failed. */
  lastError?: string
  /** What the peer does with what the vault deletes: keeps it `retentionMs`, or for good when append-only (absent until it says). */
  keepsDeleted?: { appendOnly: boolean, retentionMs: number }
}

/** A peer just added; `reconnected` when it already kept this vault (the code was not needed). */
export interface AddedBackupPeer extends BackupPeerInfo {
  reconnected: boolean
}

export interface VerifyResult {
  checked: number
  ok: number
  bad: string[]
  /** Each bad block with the file it belongs to (named by this device; the peer never learns names) and whether the peer fetched a good copy again. */
  damaged?: Array<{ cid: string, file?: string, repaired: boolean }>
}

/** One share link I made, as "My shares" lists it (issue 4). */
export interface ShareInfo {
  id: string
  /** The vault file it is a copy of ('' for a folder). */
  fileId: string
  /** A folder share: the folder's path, and how many files its snapshot holds. */
  folder?: string
  fileCount?: number
  /** Root CID of the share's own encrypted copy. */
  cid: string
  name: string
  /** Bytes shared (a folder: all its files). */
  size: number
  type: string
  /** ms since epoch. */
  createdAt: number
  /** After this (ms since epoch) the backup peers unpin it by themselves; absent = never. */
  expiresAt?: number
  /** True once expiresAt has passed: the link no longer works. */
  expired: boolean
  /** The link (`ORIGIN/#/s/…`): it carries the share key. */
  link: string
  /** Paired backup peers (peer ids) that hold all of the share's data. */
  pinnedOn: string[]
}

/** One earlier version of a file ("Versions" on its row). */
export interface FileVersion {
  /** Pass back to `files.restoreVersion`. */
  versionId: string
  fileId: string
  size: number
  mtime: number
  type: string
  /** When it was stored (ms since epoch). */
  savedAt: number
  /** When a newer version replaced it; it is kept from then on for the retention time. */
  replacedAt: number
  /** The device that stored it: a short label, and whether it is this one. */
  device: string
  thisDevice: boolean
}

/** A deleted file in the Trash. */
export interface TrashItem {
  fileId: string
  /** Where it was. */
  path: string
  size: number
  mtime: number
  type: string
  /** When it was deleted (ms since epoch). */
  deletedAt: number
  /** When the Trash empties itself of it, unless it is restored first. */
  emptiesAt: number
}

/** How long earlier versions are kept (Settings): days after they were replaced, or the newest few. */
export type VersionRetention = { keep: 'days', days: number } | { keep: 'count', count: number }

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
  /** The user did something: restarts the idle timer. */
  'vault.activity': { args: undefined, result: undefined }
  'files.list': { args: undefined, result: FileInfo[] }
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
   * file under `folder`), as copies under fresh keys, pinned on the backup peers.
   */
  'shares.create': { args: { fileId: string, expiresAt?: number, relayOnly?: boolean } | { folder: string, expiresAt?: number, relayOnly?: boolean }, result: ShareInfo }
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
  /** Deletes for good these files (default: everything in the Trash). */
  'trash.empty': { args: { fileIds?: string[] }, result: undefined }
  'versions.retention': { args: undefined, result: VersionRetention }
  'versions.setRetention': { args: VersionRetention, result: VersionRetention }
  /** Settings → "Check stored data": re-reads every local block, repairs what a peer can, names damaged files. */
  'storage.check': { args: undefined, result: StorageCheckResult }
}

export type MethodName = keyof NodeApi
export type ArgsOf<M extends MethodName> = NodeApi[M]['args']
export type ResultOf<M extends MethodName> = NodeApi[M]['result']

export interface UploadProgress {
  uploadId: string
  /** Plaintext bytes read and stored so far. */
  bytesDone: number
  bytesTotal: number
  phase: 'queued' | 'encrypting' | 'done' | 'failed'
}

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
}

export type EventName = keyof NodeEvents

/** What the page needs from whatever carries calls to the node. */
export interface RpcClient {
  call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>>
  on<E extends EventName>(event: E, listener: (data: NodeEvents[E]) => void): () => void
}
