import { Key, type Datastore } from 'interface-datastore'
import { openSecret, sealSecret } from '../crypto/secretbox.ts'
import { CairnError, isCairnError } from '../errors.ts'
import { normalizePath } from '../index/paths.ts'

/** Where "Keep on this device" applies: one file (by id), or every file under a folder ('' is the whole vault). */
export type KeepTarget = { fileId: string } | { folder: string }

/** A live file as the rules see it. */
export interface KeptFile { fileId: string, path: string }

interface StoredRules {
  v: 1
  /** By file id: an explicit choice for that file, over any folder's. */
  files: Record<string, boolean>
  /** By folder path: the choice for every file under it, unless a deeper folder or the file says otherwise. */
  folders: Record<string, boolean>
}

const KEY = new Key('/cairn/keep-local')
const AAD = new TextEncoder().encode(KEY.toString())

/**
 * "Keep on this device" (DESIGN §5 "On-demand files"): per device, never
 * synced. The most specific choice wins: the file's own, else the deepest
 * folder above it that has one, else not kept; so a folder's rule covers
 * files added under it later. Choosing for a folder clears the choices made
 * below it, so the folder's choice is what every file under it then gets.
 * Stored in the datastore sealed under a vault subkey, because folder names
 * are file names and the datastore is not encrypted.
 */
export class KeepRules {
  private rules: StoredRules = { v: 1, files: {}, folders: {} }
  private loaded: Promise<void> | undefined
  private queue: Promise<unknown> = Promise.resolve()

  /** `keepByDefault`: what a file gets when neither it nor a folder above it has a choice (the desktop keeps everything). */
  constructor (private readonly datastore: Datastore, private readonly sealingKey: Uint8Array, private readonly keepByDefault = false) {
    if (sealingKey.length !== 32) throw new CairnError('INTERNAL', 'the keep-rules sealing key is 32 bytes')
  }

  /** True when the stored rules failed authentication at load: none apply until the user chooses again (which overwrites them). */
  damaged = false

  /** Reads the stored rules once. */
  async load (): Promise<void> {
    this.loaded ??= (async () => {
      if (!(await this.datastore.has(KEY))) return
      try {
        const bytes = openSecret(this.sealingKey, await this.datastore.get(KEY), AAD, 'KEEP_RULES_TAMPERED')
        const stored = JSON.parse(new TextDecoder().decode(bytes)) as StoredRules
        this.rules = { v: 1, files: { ...stored.files }, folders: { ...stored.folders } }
      } catch (err) {
        // Refusing every call would leave no way to choose again; the caller says so in the log.
        if (!isCairnError(err, 'KEEP_RULES_TAMPERED') && !(err instanceof SyntaxError)) throw err
        this.damaged = true
      }
    })()
    await this.loaded
  }

  /** Whether the file at `path` is kept on this device. Call after load(). */
  isKept (file: KeptFile): boolean {
    const own = this.rules.files[file.fileId]
    if (own !== undefined) return own
    return this.inherited(file.path)
  }

  /**
   * Sets the choice for a file or a folder and stores it. `files` are the
   * live files (for a folder, the choices of files below it are cleared).
   * Throws PATH_INVALID for a folder that is not a path.
   */
  async set (target: KeepTarget, keep: boolean, files: readonly KeptFile[]): Promise<void> {
    await this.load()
    const run = this.queue.then(async () => {
      const next: StoredRules = { v: 1, files: { ...this.rules.files }, folders: { ...this.rules.folders } }
      if ('fileId' in target) {
        const file = files.find(f => f.fileId === target.fileId)
        if (file === undefined) throw new CairnError('FILE_NOT_FOUND', 'That file is not in the vault')
        delete next.files[file.fileId]
        if ((inheritedIn(next.folders, file.path) ?? this.keepByDefault) !== keep) next.files[file.fileId] = keep
      } else {
        const folder = target.folder === '' ? '' : normalizePath(target.folder.replace(/\/+$/, ''))
        for (const path of Object.keys(next.folders)) if (under(path, folder)) delete next.folders[path]
        for (const file of files) if (under(file.path, folder)) delete next.files[file.fileId]
        if ((inheritedIn(next.folders, folder + '/') ?? this.keepByDefault) !== keep) next.folders[folder] = keep
      }
      await this.datastore.put(KEY, sealSecret(this.sealingKey, new TextEncoder().encode(JSON.stringify(next)), AAD))
      this.rules = next
      this.damaged = false
    })
    this.queue = run.catch(() => {})
    await run
  }

  private inherited (path: string): boolean {
    return inheritedIn(this.rules.folders, path) ?? this.keepByDefault
  }
}

/** True when `path` is `folder` or lies under it ('' holds everything). */
function under (path: string, folder: string): boolean {
  return folder === '' || path === folder || path.startsWith(folder + '/')
}

/** The choice of the deepest folder above `path` that has one; undefined when none has. */
function inheritedIn (folders: Record<string, boolean>, path: string): boolean | undefined {
  for (let end = path.lastIndexOf('/'); end > 0; end = path.lastIndexOf('/', end - 1)) {
    const choice = folders[path.slice(0, end)]
    if (choice !== undefined) return choice
  }
  return folders['']
}

/**
 * "Remove and rotate keys": the stored rules sealed again under the new
 * vault's keep subkey. Damaged rules are dropped, as load() would ignore them.
 */
export async function resealKeepRules (datastore: Datastore, oldKey: Uint8Array, newKey: Uint8Array): Promise<void> {
  if (!(await datastore.has(KEY))) return
  let plain: Uint8Array
  try {
    plain = openSecret(oldKey, await datastore.get(KEY), AAD, 'KEEP_RULES_TAMPERED')
  } catch (err) {
    if (!isCairnError(err, 'KEEP_RULES_TAMPERED')) throw err
    await datastore.delete(KEY)
    return
  }
  await datastore.put(KEY, sealSecret(newKey, plain, AAD))
  plain.fill(0)
}
