import { CairnError, FileNotFoundError } from '../../core/errors.ts'
import { trashPath, TRASH_FOLDER, type FolderEntry, type FolderListOptions, type FolderSource, type FolderWatch } from '../../core/folder-sync/folder-source.ts'

/** `FileSystemHandle.move` (Chromium; not in TypeScript's lib yet). */
interface MovableHandle { move?: (parent: FileSystemDirectoryHandle, name: string) => Promise<void> }

/** Chromium's `FileSystemObserver` (not in TypeScript's lib yet). */
interface ObserverRecord { relativePathComponents: string[] }
interface FileSystemObserverLike {
  observe: (handle: FileSystemDirectoryHandle, options: { recursive: boolean }) => Promise<void>
  disconnect: () => void
}
type ObserverConstructor = new (callback: (records: ObserverRecord[]) => void) => FileSystemObserverLike

function isNotFound (err: unknown): boolean {
  return err instanceof DOMException && (err.name === 'NotFoundError' || err.name === 'TypeMismatchError')
}

function split (path: string): { folders: string[], name: string } {
  const parts = path.split('/')
  const name = parts.pop() ?? ''
  return { folders: parts, name }
}

/**
 * A folder the user picked with `showDirectoryPicker` (or, in tests, an OPFS
 * directory), through the File System Access API. Runs in the node worker:
 * directory handles can be posted there. FS Access cannot set a file's mtime,
 * so a written file gets the time it was written (`setsMtime: false`).
 */
export class FsAccessFolderSource implements FolderSource {
  readonly label: string
  readonly setsMtime = false
  readonly nameRules: { windows: boolean, caseInsensitive: boolean }

  constructor (private readonly root: FileSystemDirectoryHandle) {
    this.label = root.name
    const agent = globalThis.navigator?.userAgent ?? ''
    const windows = agent.includes('Windows')
    this.nameRules = { windows, caseInsensitive: windows || agent.includes('Mac OS') }
  }

  private async folder (folders: string[], create = false): Promise<FileSystemDirectoryHandle> {
    let dir = this.root
    for (const name of folders) dir = await dir.getDirectoryHandle(name, { create })
    return dir
  }

  private async fileHandle (path: string): Promise<FileSystemFileHandle | undefined> {
    const { folders, name } = split(path)
    try {
      return await (await this.folder(folders)).getFileHandle(name)
    } catch (err) {
      if (isNotFound(err)) return undefined
      throw err
    }
  }

  async * list (options: FolderListOptions = {}): AsyncIterable<FolderEntry> {
    const pending: Array<[string, FileSystemDirectoryHandle]> = [['', this.root]]
    while (pending.length > 0) {
      const [folder, dir] = pending.pop() ?? ['', this.root]
      const files: Array<[string, FileSystemFileHandle]> = []
      try {
        for await (const [name, handle] of dir.entries()) {
          const path = folder === '' ? name : `${folder}/${name}`
          if (handle.kind === 'directory') {
            if (options.skipFolder?.(path) !== true) pending.push([path, handle as FileSystemDirectoryHandle])
          } else {
            files.push([path, handle as FileSystemFileHandle])
          }
        }
      } catch (err) {
        // The root itself gone or no longer allowed: say so; a folder removed mid-walk is just gone.
        if (folder === '') throw new CairnError('SYNC_FOLDER_UNAVAILABLE', 'The synced folder cannot be read', { cause: err })
        if (!isNotFound(err)) throw err
      }
      for (const entry of await statEach(files)) if (entry !== undefined) yield entry
    }
  }

  async isEmpty (): Promise<boolean> {
    for await (const [name] of this.root.entries()) if (name !== TRASH_FOLDER) return false
    return true
  }

  async stat (path: string): Promise<FolderEntry | undefined> {
    const handle = await this.fileHandle(path)
    if (handle === undefined) return undefined
    try {
      const file = await handle.getFile()
      return { path, size: file.size, mtime: file.lastModified }
    } catch (err) {
      if (isNotFound(err)) return undefined
      throw err
    }
  }

  async read (path: string): Promise<ReadableStream<Uint8Array>> {
    const handle = await this.fileHandle(path)
    if (handle === undefined) throw new FileNotFoundError('That file is no longer in the folder')
    return (await handle.getFile()).stream()
  }

  async write (path: string, content: ReadableStream<Uint8Array>, _mtime: number): Promise<FolderEntry> {
    const { folders, name } = split(path)
    const dir = await this.folder(folders, true)
    const existed = await this.fileHandle(path) !== undefined
    const handle = await dir.getFileHandle(name, { create: true })
    // The browser writes into a swap file and moves it into place on close:
    // the file is replaced whole or not at all (an abort leaves the old one).
    let writable: FileSystemWritableFileStream | undefined
    try {
      writable = await handle.createWritable({ keepExistingData: false })
      await content.pipeTo(writable, { preventAbort: true })
    } catch (err) {
      // The swap file goes first (an open one keeps the entry from being removed). getFileHandle
      // created an empty file at once: a failed first write must not leave it, or the next scan
      // would take it for the user's and send it over the vault's file.
      await writable?.abort().catch(() => {})
      if (!existed) await removeOnceReleased(dir, name)
      throw err
    }
    const file = await handle.getFile()
    return { path, size: file.size, mtime: file.lastModified }
  }

  async rename (from: string, to: string): Promise<void> {
    const source = await this.fileHandle(from)
    if (source === undefined) throw new FileNotFoundError('That file is no longer in the folder')
    if (await this.fileHandle(to) !== undefined) throw new CairnError('FOLDER_FILE_EXISTS', 'A file of that name is already in the folder')
    const { folders, name } = split(to)
    const dir = await this.folder(folders, true)
    const move = (source as MovableHandle).move
    if (move !== undefined) {
      await move.call(source, dir, name)
      return
    }
    // No move(): copy, then remove the original (never leaving an empty copy behind a failed one).
    const target = await dir.getFileHandle(name, { create: true })
    let writable: FileSystemWritableFileStream | undefined
    try {
      writable = await target.createWritable({ keepExistingData: false })
      await (await source.getFile()).stream().pipeTo(writable, { preventAbort: true })
    } catch (err) {
      await writable?.abort().catch(() => {})
      await dir.removeEntry(name).catch(() => {})
      throw err
    }
    const old = split(from)
    await (await this.folder(old.folders)).removeEntry(old.name)
  }

  async trash (path: string, now: number): Promise<string> {
    let to = trashPath(path, now)
    for (let n = 2; await this.fileHandle(to) !== undefined; n++) to = `${trashPath(path, now)}.${n}`
    await this.rename(path, to)
    return to
  }

  async mkdir (path: string): Promise<void> {
    await this.folder(path.split('/'), true)
  }

  async remove (path: string): Promise<void> {
    if (path !== TRASH_FOLDER && !path.startsWith(`${TRASH_FOLDER}/`)) throw new CairnError('INVALID_ARGUMENT', 'Only what is in the folder\'s trash is ever deleted')
    const { folders, name } = split(path)
    try {
      await (await this.folder(folders)).removeEntry(name, { recursive: true })
    } catch (err) {
      if (!isNotFound(err)) throw err
    }
  }

  async watch (onChange: (paths: string[]) => void): Promise<FolderWatch> {
    const Observer = (globalThis as { FileSystemObserver?: ObserverConstructor }).FileSystemObserver
    // Without an observer the engine's scheduled rescan is all there is.
    if (Observer === undefined) return { stop: async () => {} }
    const observer = new Observer((records) => { onChange(records.map(r => r.relativePathComponents.join('/'))) })
    await observer.observe(this.root, { recursive: true })
    return { stop: async () => { observer.disconnect() } }
  }
}

/** `getFile()` calls in flight while a folder is listed: each is a round trip to the browser process. */
const STATS_IN_FLIGHT = 32

/** Size and mtime of each file, in order, STATS_IN_FLIGHT at a time; a file gone meanwhile is undefined. */
async function statEach (files: Array<[string, FileSystemFileHandle]>): Promise<Array<FolderEntry | undefined>> {
  const out = new Array<FolderEntry | undefined>(files.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++
      const [path, handle] = files[i] as [string, FileSystemFileHandle]
      const file = await handle.getFile().catch((err: unknown) => { if (isNotFound(err)) return undefined; throw err })
      if (file !== undefined) out[i] = { path, size: file.size, mtime: file.lastModified }
    }
  }
  await Promise.all(Array.from({ length: Math.min(STATS_IN_FLIGHT, files.length) }, worker))
  return out
}


/**
 * Removes an entry whose writable was just aborted. Chromium may still hold
 * the swap file's lock for a moment after abort() resolves (more so on a busy
 * machine), and removeEntry then fails with NoModificationAllowedError: it is
 * tried again for up to about a second before giving up.
 */
async function removeOnceReleased (dir: FileSystemDirectoryHandle, name: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await dir.removeEntry(name)
      return
    } catch (err) {
      if ((err as Error).name !== 'NoModificationAllowedError') return
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  }
}
