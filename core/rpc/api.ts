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

/** Passphrase strength as judged by the node (the UI only shows it). */
export interface PassphraseCheck {
  /** 0 (useless) to 4 (strong). */
  score: 0 | 1 | 2 | 3 | 4
  /** False when vault.create / changePassphrase would refuse it (WEAK_PASSPHRASE). */
  acceptable: boolean
  /** Human-readable reasons it is weak, empty when strong. */
  reasons: string[]
}

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
}

export interface VerifyResult {
  checked: number
  ok: number
  bad: string[]
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
  'backup.add': { args: { address: string, code: string }, result: BackupPeerInfo }
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
}

export type EventName = keyof NodeEvents

/** What the page needs from whatever carries calls to the node. */
export interface RpcClient {
  call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>>
  on<E extends EventName>(event: E, listener: (data: NodeEvents[E]) => void): () => void
}
