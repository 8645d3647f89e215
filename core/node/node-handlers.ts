import { checkPassphrase } from '../crypto/passphrase-strength.ts'
import { CairnError, toErrorPayload, VaultLockedError } from '../errors.ts'
import { systemClock, type Clock } from '../clock.ts'
import type { CairnHelia } from './create-node.ts'
import type { Log } from '../log.ts'
import type { LogBuffer } from './log-buffer.ts'
import type { AddFileResult, FileHealth, UploadProgress } from '../rpc/api.ts'
import type { HandlerMap } from '../rpc/handlers.ts'
import type { NetworkMethods } from './network-handlers.ts'
import type { HistoryMethods } from './history-handlers.ts'
import type { FolderMethods } from './folder-handlers.ts'
import type { StorageMethods } from './storage-handlers.ts'
import type { NoticeMethods } from './notice-handlers.ts'

/** Methods served by backup-handlers.ts. */
export type BackupMethods = 'backup.add' | 'backup.remove' | 'backup.list' | 'backup.verify' | 'vault.restore'
/** Methods served by share-handlers.ts. */
export type ShareMethods = 'shares.create' | 'shares.list' | 'shares.stop'
/** Methods served by device-handlers.ts. */
export type DeviceMethods = Extract<keyof HandlerMap, `devices.${string}`> | 'files.locations' | 'files.keepLocal' | 'files.freeUpSpace' | 'files.resolveConflict'
export type VaultMethods = Exclude<keyof HandlerMap, NetworkMethods | BackupMethods | ShareMethods | HistoryMethods | StorageMethods | DeviceMethods | keyof DesktopOnlyMethods | NoticeMethods | FolderMethods | SyncMethods | ThumbnailMethods>
import type { VaultService } from '../vault/vault-service.ts'
import type { DesktopOnlyMethods } from './desktop-only-handlers.ts'
import type { SyncMethods } from './sync-handlers.ts'
import type { ThumbnailMethods } from './thumbnail-handlers.ts'

export interface NodeHandlerComponents {
  vault: VaultService
  helia: CairnHelia
  logs: LogBuffer
  /** Bytes of live blocks in the blockstore, when the store can tell. */
  storedBytes: () => Promise<number>
  onUploadProgress: (progress: UploadProgress) => void
  onFilesChanged: () => void
  /** File names never go to the log: logs get copied into bug reports. */
  log: Log
  /** Whether a backup peer holds a file's content (the Files page badge). */
  onBackup?: (cid: string) => boolean
  /** The plaintext stream of a shared file the service worker serves at `source` (files.addShared); `signal` stops it. */
  openShared: (source: string, signal: AbortSignal) => Promise<ReadableStream<Uint8Array>>
  /** What a read or check found in a file's stored data here (the Files page's row). */
  healthOf?: (fileId: string) => FileHealth | undefined
  /** The clock for upload progress pacing and a shared file's mtime (default the system clock). */
  now?: Clock
}

/** Progress events at most this often per upload, so a fast upload doesn't flood postMessage. */
const PROGRESS_INTERVAL_MS = 100

/** The node's RPC API (core/rpc/api.ts) as a handler map over the vault and the Helia node. */
export function createNodeHandlers (c: NodeHandlerComponents): Pick<HandlerMap, VaultMethods> {
  const { vault } = c
  return {
    'vault.status': async () => vault.status(),
    'vault.checkPassphrase': async ({ passphrase }) => checkPassphrase(passphrase),
    'vault.create': async ({ passphrase }) => ({ recoveryPhrase: await vault.create(passphrase) }),
    'vault.unlock': async ({ passphrase }) => await vault.unlock(passphrase),
    'vault.recover': async ({ recoveryPhrase, newPassphrase }) => await vault.recover(recoveryPhrase, newPassphrase),
    'vault.lock': async () => await vault.lock(),
    'vault.changePassphrase': async ({ currentPassphrase, newPassphrase }) => { await vault.changePassphrase(currentPassphrase, newPassphrase) },
    'vault.revealRecoveryPhrase': async ({ passphrase }) => ({ recoveryPhrase: await vault.revealRecoveryPhrase(passphrase) }),
    'vault.setAutoLock': async ({ minutes }) => await vault.setAutoLock(minutes),
    'vault.confirmRecoveryPhrase': async () => await vault.confirmRecoveryPhrase(),
    'vault.activity': async () => { vault.activity() },
    'files.takeCutOff': async () => vault.takeCutOffUploads(),
    'files.list': async () => vault.files().list().map(file => {
      const health = c.healthOf?.(file.fileId)
      return { ...file, onBackup: c.onBackup?.(file.cid) ?? false, ...(health !== undefined ? { health } : {}) }
    }),
    'files.add': async ({ uploadId, file, path }) => {
      // A locked vault refuses before any progress event.
      const files = vault.files()
      return await addReporting(c, uploadId, file.size, async (onProgress) => await files.add({
        file,
        path: path !== undefined && path !== '' ? path : file.name,
        mtime: file.lastModified,
        type: file.type,
        onProgress
      }))
    },
    'files.addShared': async ({ uploadId, source, path, size, type }) => {
      const files = vault.files()
      return await addReporting(c, uploadId, size, async (onProgress) => {
        try {
          const stream = await c.openShared(source, files.lockSignal)
          // Someone else's file: it never replaces one of the recipient's, whatever name it brings.
          return await files.addStream({ stream, size, path, mtime: (c.now ?? systemClock)(), type, onProgress, besideExisting: true })
        } catch (err) {
          throw sharedAddError(err, files.lockSignal)
        }
      })
    },
    'files.rename': async ({ fileId, path }) => {
      const info = await vault.files().rename(fileId, path)
      c.onFilesChanged()
      return info
    },
    'files.delete': async ({ fileId }) => {
      await vault.files().remove(fileId)
      c.log.info('moved a file to the Trash')
      c.onFilesChanged()
    },
    'stats.get': async () => {
      const files = vault.files().list()
      return {
        fileCount: files.length,
        plaintextBytes: files.reduce((sum, f) => sum + f.size, 0),
        storedBytes: await c.storedBytes()
      }
    },
    'node.info': async () => ({
      peerId: c.helia.libp2p.peerId.toString(),
      multiaddrs: c.helia.libp2p.getMultiaddrs().map(ma => ma.toString()),
      connections: c.helia.libp2p.getConnections().length
    }),
    'logs.recent': async () => c.logs.recent()
  }
}

/**
 * Runs one add with `upload.progress` events (throttled) and a log line that
 * carries its size and speed, never its name.
 */
async function addReporting (
  c: NodeHandlerComponents,
  uploadId: string,
  bytesTotal: number,
  add: (onProgress: (done: number) => void) => Promise<AddFileResult>
): Promise<AddFileResult> {
  let last = 0
  const report = (phase: UploadProgress['phase'], bytesDone: number): void => { c.onUploadProgress({ uploadId, bytesDone, bytesTotal, phase }) }
  report('encrypting', 0)
  const clock = c.now ?? systemClock
  const started = clock()
  try {
    const result = await add((done) => {
      const now = clock()
      if (now - last < PROGRESS_INTERVAL_MS) return
      last = now
      report('encrypting', done)
    })
    report('done', bytesTotal)
    const seconds = Math.max(0.001, (clock() - started) / 1000)
    c.log.info(result.deduplicated
      ? `added a file of ${bytesTotal} bytes: content already in the vault, nothing new stored`
      : `stored a file of ${bytesTotal} bytes in ${seconds.toFixed(2)} s (${(bytesTotal / 1e6 / seconds).toFixed(1)} MB/s)`)
    c.onFilesChanged()
    // A replaced file has one more version: keep only as many as the setting says.
    if (result.replaced === true) await c.vault.tidy()
    return result
  } catch (err) {
    report('failed', 0)
    c.log.warn(`adding a file of ${bytesTotal} bytes failed: ${toErrorPayload(err).code}`)
    throw err
  }
}

/** A received file's failure in the words that fit it: the share's data, not the vault, is what disagreed. */
function sharedAddError (err: unknown, locked: AbortSignal): unknown {
  if (locked.aborted) return new VaultLockedError('The vault was locked while the shared file was being saved; nothing was stored')
  const code = toErrorPayload(err).code
  if (code === 'STREAM_TRUNCATED' || code === 'TRAILING_DATA') return new CairnError('SHARE_CONTENT_MISMATCH', `the shared file's length differs from its link's (${code})`)
  return err
}
