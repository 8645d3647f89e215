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
}

export interface AddFileArgs {
  /** Chosen by the caller so it can match progress events to the upload. */
  uploadId: string
  file: File
  /** Path in the vault; defaults to the file's name. Folder uploads pass `webkitRelativePath`. */
  path?: string
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
  'files.rename': { args: { fileId: string, path: string }, result: FileInfo }
  'files.delete': { args: { fileId: string }, result: undefined }
  'stats.get': { args: undefined, result: VaultStats }
  'node.info': { args: undefined, result: NodeInfo }
  'logs.recent': { args: undefined, result: LogLine[] }
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
}

export type EventName = keyof NodeEvents

/** What the page needs from whatever carries calls to the node. */
export interface RpcClient {
  call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>>
  on<E extends EventName>(event: E, listener: (data: NodeEvents[E]) => void): () => void
}
