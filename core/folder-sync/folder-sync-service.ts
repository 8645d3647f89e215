import { Key, type Datastore } from 'interface-datastore'
import { openSecret, sealSecret } from '../crypto/secretbox.ts'
import { CairnError, InvalidArgumentError } from '../errors.ts'
import { normalizePath } from '../index/paths.ts'
import type { Log } from '../log.ts'
import { RESCAN_SECONDS_MAX, RESCAN_SECONDS_MIN, type AddSyncFolderArgs, type RestoreFolderArgs, type RestoreProgress, type SyncFolderInfo, type SyncFolderLocation, type SyncFolderState, type SyncMode } from '../rpc/api-sync.ts'
import type { FolderSource } from './folder-source.ts'
import { FolderRunner, type FolderRunnerTiming, type StoredFolder } from './folder-runner.ts'
import { DEFAULT_IGNORES, IGNORE_FILE } from './ignore-rules.ts'
import { restoreFolder, type RestoreResult } from './restore-folder.ts'
import { sealedScanState } from './scan-state.ts'
import type { SyncVault } from './vault-port.ts'

/** How a host turns a folder's location into a source (desktop: node:fs on a path; browser: a stored FS Access handle). */
export interface FolderOpener {
  /** A source on the folder, or why it cannot be used now. */
  open: (location: SyncFolderLocation) => Promise<FolderSource | { state: SyncFolderState, error?: string }>
  /** Lets go of what the host keeps for a folder no longer synced (the browser's stored handle). */
  forget?: (location: SyncFolderLocation) => Promise<void>
}

export interface FolderSyncServiceComponents {
  datastore: Datastore
  vault: SyncVault
  /** Undefined on a host that cannot reach folders: every call says SYNC_FOLDER_UNAVAILABLE. */
  opener: FolderOpener | undefined
  log: Log
  deviceLabel: () => string
  onChanged: () => void
  onVaultChanged: () => void
  /** A restore wrote another file (the page shows files and bytes to go). */
  onRestoreProgress?: (progress: RestoreProgress) => void
}

const LIST_KEY = new Key('/cairn/folder-sync/folders')
const LIST_AAD = new TextEncoder().encode(LIST_KEY.toString())
export const DEFAULT_TIMING: FolderRunnerTiming = { rescanMs: 60_000, debounceMs: 300, settleMs: 1_000 }

/**
 * Every synced folder of this device (per device, never synced: a path means
 * nothing elsewhere). Runs while the vault is open: the list and each
 * folder's scan state are sealed under the vault's `folders` subkey.
 */
export class FolderSyncService {
  private key: Uint8Array | undefined
  private readonly runners = new Map<string, FolderRunner>()
  private queue: Promise<unknown> = Promise.resolve()

  constructor (private readonly components: FolderSyncServiceComponents, private readonly timing: FolderRunnerTiming = DEFAULT_TIMING) {}

  /** The vault opened: load the folders and start syncing them. Takes a copy of `sealingKey`. */
  async attach (sealingKey: Uint8Array): Promise<void> {
    this.key = sealingKey.slice()
    for (const folder of await this.load()) await this.startRunner(folder)
    this.components.onChanged()
  }

  /** The vault locked: stop every folder and wipe the key. */
  async detach (): Promise<void> {
    const runners = [...this.runners.values()]
    this.runners.clear()
    for (const runner of runners) await runner.stop()
    this.key?.fill(0)
    this.key = undefined
    this.components.onChanged()
  }

  /** The vault changed (this device or another): two-way folders look again. */
  vaultChanged (): void {
    for (const runner of this.runners.values()) if (runner.folder.mode === 'two-way') void runner.scan()
  }

  list (): SyncFolderInfo[] {
    return [...this.runners.values()].map(r => r.info())
  }

  async add (args: AddSyncFolderArgs): Promise<SyncFolderInfo> {
    const opener = this.opener()
    checkMode(args.mode)
    const vaultFolder = args.vaultFolder === '' ? '' : normalizePath(args.vaultFolder)
    const source = await opener.open(args.location)
    if ('state' in source) throw new CairnError('SYNC_FOLDER_UNAVAILABLE', `The folder cannot be used (${source.error ?? source.state})`)
    const id = globalThis.crypto.randomUUID()
    const folder: StoredFolder = { id, label: args.location.kind === 'path' ? args.location.path : source.label, location: args.location, mode: args.mode, vaultFolder, paused: false }
    await this.save([...this.stored(), folder])
    const runner = this.newRunner(folder)
    this.runners.set(id, runner)
    await runner.start(source)
    this.components.onChanged()
    return runner.info()
  }

  async pause (id: string): Promise<SyncFolderInfo> {
    const runner = this.runner(id)
    await runner.pause()
    await this.save(this.stored())
    return runner.info()
  }

  async resume (id: string): Promise<SyncFolderInfo> {
    const runner = this.runner(id)
    const wasPaused = runner.folder.paused
    if (runner.source === undefined || runner.info().state === 'needs-permission' || runner.info().state === 'unavailable') {
      // Allowed again (the page asked the browser), or plugged back in: open it afresh.
      await runner.stop()
      const fresh = this.newRunner({ ...runner.folder, paused: false })
      this.runners.set(id, fresh)
      await fresh.start(await this.opener().open(runner.folder.location))
      await this.save(this.stored())
      return fresh.info()
    }
    if (wasPaused) await runner.resume()
    // Waiting on an empty folder (a drive unplugged): plugged back in, a scan now goes on as before.
    else if (runner.info().state === 'emptied') await runner.scan()
    await this.save(this.stored())
    return runner.info()
  }

  /**
   * The user says the folder, empty now, really is empty (not an unplugged
   * drive): a scan records its files as deleted (the vault's Trash). A
   * folder not waiting so is only scanned.
   */
  async confirmEmpty (id: string): Promise<SyncFolderInfo> {
    const runner = this.runner(id)
    if (runner.info().state === 'emptied') await runner.confirmEmpty()
    else await runner.scan()
    return runner.info()
  }

  async syncNow (id: string): Promise<SyncFolderInfo> {
    const runner = this.runner(id)
    await runner.scan()
    return runner.info()
  }

  async setMode (id: string, mode: SyncMode): Promise<SyncFolderInfo> {
    checkMode(mode)
    const runner = this.runner(id)
    runner.folder = { ...runner.folder, mode }
    await this.save(this.stored())
    void runner.scan()
    return runner.info()
  }

  async setRescanInterval (id: string, seconds: number): Promise<SyncFolderInfo> {
    if (!Number.isInteger(seconds) || seconds < RESCAN_SECONDS_MIN || seconds > RESCAN_SECONDS_MAX) {
      throw new InvalidArgumentError(`the rescan interval must be a whole number of seconds from ${RESCAN_SECONDS_MIN} to ${RESCAN_SECONDS_MAX}`)
    }
    const runner = this.runner(id)
    runner.setRescanSeconds(seconds)
    await this.save(this.stored())
    return runner.info()
  }

  async remove (id: string): Promise<void> {
    const runner = this.runner(id)
    await runner.stop()
    this.runners.delete(id)
    await this.save(this.stored())
    await sealedScanState(this.components.datastore, this.sealingKey(), id).clear()
    await this.components.opener?.forget?.(runner.folder.location)
    this.components.onChanged()
  }

  async ignoreRules (id: string): Promise<{ text: string, defaults: string[] }> {
    const source = this.sourceOf(id)
    const stat = await source.stat(IGNORE_FILE)
    const text = stat === undefined ? '' : await new Response(await source.read(IGNORE_FILE)).text()
    return { text, defaults: [...DEFAULT_IGNORES] }
  }

  async setIgnoreRules (id: string, text: string): Promise<SyncFolderInfo> {
    if (typeof text !== 'string') throw new InvalidArgumentError('the rules must be text')
    const source = this.sourceOf(id)
    await source.write(IGNORE_FILE, new Blob([text]).stream(), Date.now())
    return await this.syncNow(id)
  }

  async restore (args: RestoreFolderArgs): Promise<RestoreResult> {
    const source = await this.opener().open(args.location)
    if ('state' in source) throw new CairnError('SYNC_FOLDER_UNAVAILABLE', `The folder cannot be used (${source.error ?? source.state})`)
    const vaultFolder = args.vaultFolder === '' ? '' : normalizePath(args.vaultFolder)
    return await restoreFolder(source, this.components.vault, vaultFolder, this.components.onRestoreProgress)
  }

  private async startRunner (folder: StoredFolder): Promise<void> {
    const runner = this.newRunner(folder)
    this.runners.set(folder.id, runner)
    const opener = this.components.opener
    await runner.start(opener === undefined ? { state: 'unavailable', error: 'SYNC_FOLDER_UNAVAILABLE' } : await opener.open(folder.location).catch((err: unknown) => ({ state: 'unavailable' as const, error: codeOf(err) })))
  }

  private newRunner (folder: StoredFolder): FolderRunner {
    const { vault, log, deviceLabel, onChanged, onVaultChanged } = this.components
    const opener = this.components.opener
    const open = opener === undefined ? undefined : async () => await opener.open(folder.location)
    return new FolderRunner(folder, { vault, log, deviceLabel, onChanged, onVaultChanged, state: sealedScanState(this.components.datastore, this.sealingKey(), folder.id), ...(open !== undefined ? { open } : {}) }, this.timing)
  }

  private runner (id: string): FolderRunner {
    const runner = this.runners.get(id)
    if (runner === undefined) throw new CairnError('SYNC_FOLDER_NOT_FOUND', 'No synced folder has that id')
    return runner
  }

  private sourceOf (id: string): FolderSource {
    const source = this.runner(id).source
    if (source === undefined) throw new CairnError('SYNC_FOLDER_UNAVAILABLE', 'The folder cannot be reached now')
    return source
  }

  private opener (): FolderOpener {
    if (this.key === undefined) throw new CairnError('VAULT_LOCKED', 'The vault is locked')
    const opener = this.components.opener
    if (opener === undefined) throw new CairnError('SYNC_FOLDER_UNAVAILABLE', 'This browser cannot keep a folder in sync')
    return opener
  }

  private sealingKey (): Uint8Array {
    if (this.key === undefined) throw new CairnError('VAULT_LOCKED', 'The vault is locked')
    return this.key
  }

  private stored (): StoredFolder[] {
    return [...this.runners.values()].map(r => r.folder)
  }

  private async load (): Promise<StoredFolder[]> {
    const { datastore, log } = this.components
    if (!(await datastore.has(LIST_KEY))) return []
    try {
      return JSON.parse(new TextDecoder().decode(openSecret(this.sealingKey(), await datastore.get(LIST_KEY), LIST_AAD, 'INDEX_RECORD_TAMPERED'))) as StoredFolder[]
    } catch {
      log.warn('folder sync: the list of synced folders failed authentication; add the folders again')
      return []
    }
  }

  private async save (folders: StoredFolder[]): Promise<void> {
    const key = this.sealingKey()
    const run = this.queue.then(async () => {
      await this.components.datastore.put(LIST_KEY, sealSecret(key, new TextEncoder().encode(JSON.stringify(folders)), LIST_AAD))
    })
    this.queue = run.catch(() => {})
    await run
  }
}

function checkMode (mode: unknown): void {
  if (mode !== 'backup' && mode !== 'two-way') throw new InvalidArgumentError('mode must be "backup" or "two-way"')
}

function codeOf (err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : 'INTERNAL'
}
