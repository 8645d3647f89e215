import { constants as fsConstants, lstat as lstatCallback } from 'node:fs'
import { lstat, mkdir, open, readdir, rename, rm, stat, unlink, utimes, type FileHandle } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join, sep } from 'node:path'
import { Readable } from 'node:stream'
import watcher from '@parcel/watcher'
import { CairnError, FileNotFoundError } from '../../core/errors.ts'
import { trashPath, TRASH_FOLDER, type FolderEntry, type FolderListOptions, type FolderSource, type FolderWatch } from '../../core/folder-sync/folder-source.ts'

/** Temp files of atomic writes start with this (the engine's ignore rules skip them: `*.tmp`). */
const TEMP_PREFIX = '.cairn-'
/**
 * lstat calls in flight while listing: one at a time, each waits a round trip
 * through libuv's pool, which a 100k-file rescan spent most of its time on.
 */
const STAT_CONCURRENCY = 32
/**
 * How a file is opened to be read: never through a symbolic link at its name
 * (O_NOFOLLOW: the open fails, ELOOP), and without waiting on a FIFO put
 * there (O_NONBLOCK, which plain files ignore). Windows defines neither; the
 * stat of the open file below still refuses what is not a plain file there.
 */
const READ_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0) | (fsConstants.O_NONBLOCK ?? 0)

function entryOf (path: string, size: number, mtimeMs: number): FolderEntry {
  // Rounded: utimes goes through floating-point seconds, so 123 ms may read back as 122.9998.
  return { path, size, mtime: Math.round(mtimeMs) }
}

function isMissing (err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code
  return code === 'ENOENT' || code === 'ENOTDIR'
}

/** The errno code of a node:fs failure ("EACCES", "ENAMETOOLONG"), for the folder's list of files not synced. */
function errorCode (err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code
  return typeof code === 'string' ? code : 'INTERNAL'
}

/** An open with O_NOFOLLOW that met a symbolic link (ELOOP; EMLINK on FreeBSD). */
function isLink (err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code
  return code === 'ELOOP' || code === 'EMLINK'
}

/**
 * Whether `name` (`bytes` read as UTF-8) is the name on disk. Decoding turns
 * each invalid sequence into U+FFFD, so a name without one is exact; one with
 * it is compared byte for byte (U+FFFD can be a real character too).
 */
function isUtf8Name (name: string, bytes: Buffer): boolean {
  return !name.includes('\uFFFD') || Buffer.from(name, 'utf8').equals(bytes)
}

/** Writes all of `bytes`: a write on a filling disk may take only part of them. */
export async function writeAll (handle: Pick<FileHandle, 'write'>, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.byteLength;) {
    const { bytesWritten } = await handle.write(bytes, at, bytes.byteLength - at)
    if (bytesWritten === 0) throw new CairnError('FOLDER_DISK_FULL', 'The disk is full: the file was not written')
    at += bytesWritten
  }
}

export interface NodeFolderSourceInit {
  /**
   * The daemon's own data folder, relative to the root ('/'-separated), when
   * the root holds it: never listed, watched, read or written, whatever the
   * ignore rules say (path-folder-opener.ts).
   */
  ownData?: string
}

/**
 * A real folder through node:fs, watched with @parcel/watcher (the native
 * inotify/FSEvents/ReadDirectoryChangesW backends, prebuilt binaries).
 */
export class NodeFolderSource implements FolderSource {
  readonly label: string
  readonly setsMtime = true
  readonly nameRules = { windows: process.platform === 'win32', caseInsensitive: process.platform === 'win32' || process.platform === 'darwin' }
  private readonly ownData: string | undefined

  constructor (private readonly root: string, init: NodeFolderSourceInit = {}) {
    this.label = basename(root)
    this.ownData = init.ownData
  }

  private abs (path: string): string {
    return join(this.root, ...path.split('/'))
  }

  /** Whether `path` is the daemon's own data folder or under it. */
  private isOwnData (path: string): boolean {
    if (this.ownData === undefined) return false
    const [at, own] = this.nameRules.caseInsensitive ? [path.toLowerCase(), this.ownData.toLowerCase()] : [path, this.ownData]
    return at === own || at.startsWith(`${own}/`)
  }

  /**
   * Refuses a path whose folders, under the root, include a symbolic link:
   * writing or moving through one would change files outside the synced
   * folder (a link to elsewhere), and the listing, which never follows
   * links, would then count the file as deleted. Refuses the daemon's own
   * data folder too.
   */
  private async refuseLinkedFolders (path: string): Promise<void> {
    if (this.isOwnData(path)) throw new CairnError('FOLDER_PATH_UNSAFE', 'That path is inside Cairn\'s own data folder, which sync leaves alone')
    const parts = path.split('/').slice(0, -1)
    for (let depth = 1; depth <= parts.length; depth++) {
      let info
      try {
        info = await lstat(this.abs(parts.slice(0, depth).join('/')))
      } catch (err) {
        if (isMissing(err)) return
        throw err
      }
      if (!info.isDirectory()) throw new CairnError('FOLDER_PATH_UNSAFE', 'A folder on the way to that file is a link, which sync does not follow')
    }
  }

  /**
   * Refuses a name held by anything but a plain file (a link, a folder, a
   * socket): a write renames over what is there, and a link replaced so is
   * the user's own link lost (the listing never shows it, so nothing else
   * would have kept the name free).
   */
  private async refuseOccupied (target: string): Promise<void> {
    let info
    try {
      info = await lstat(target)
    } catch (err) {
      if (isMissing(err)) return
      throw err
    }
    if (!info.isFile()) throw new CairnError('FOLDER_FILE_EXISTS', 'Something that is not a file (a link, a folder) already has that name in the folder')
  }

  async isEmpty (): Promise<boolean> {
    let names
    try {
      names = await readdir(this.root, { encoding: 'buffer' })
    } catch (err) {
      if (isMissing(err)) throw new CairnError('SYNC_FOLDER_UNAVAILABLE', 'The folder is gone', { cause: err })
      throw err
    }
    return names.every(name => name.toString('utf8') === TRASH_FOLDER)
  }

  async * list (options: FolderListOptions = {}): AsyncIterable<FolderEntry> {
    try {
      const rootStat = await stat(this.root)
      if (!rootStat.isDirectory()) throw new CairnError('SYNC_FOLDER_UNAVAILABLE', 'The synced folder is not a folder')
    } catch (err) {
      if (isMissing(err)) throw new CairnError('SYNC_FOLDER_UNAVAILABLE', 'The synced folder is gone', { cause: err })
      throw err
    }
    const pending: string[] = ['']
    while (pending.length > 0) {
      const folder = pending.pop() ?? ''
      let dirents
      try {
        // One call per folder (opendir's iterator reads 32 names a round trip).
        // Names as bytes: as strings, a name that is not UTF-8 would come back altered and its lstat find nothing.
        dirents = await readdir(folder === '' ? this.root : this.abs(folder), { withFileTypes: true, encoding: 'buffer' })
      } catch (err) {
        // The root gone between the check above and here: not an empty folder (that would read as every file deleted).
        if (folder === '') throw isMissing(err) ? new CairnError('SYNC_FOLDER_UNAVAILABLE', 'The synced folder is gone', { cause: err }) : err
        // Removed while walking: what is under it is simply gone.
        if (isMissing(err)) continue
        // Unreadable (permission denied, a path longer than the system takes): said, and the rest of the folder goes on.
        options.onSkipped?.(folder, errorCode(err))
        continue
      }
      const files: string[] = []
      for (const dirent of dirents) {
        const name = dirent.name.toString('utf8')
        const path = folder === '' ? name : `${folder}/${name}`
        if (!dirent.isDirectory() && !dirent.isFile()) continue
        if (dirent.isDirectory() && (this.isOwnData(path) || options.skipFolder?.(path) === true)) continue
        if (!isUtf8Name(name, dirent.name)) {
          // No path reaches it (every path here is a string): said, not silently dropped.
          options.onSkipped?.(path, 'FOLDER_NAME_NOT_UTF8')
        } else if (dirent.isDirectory()) {
          pending.push(path)
        } else {
          files.push(path)
        }
      }
      for (const entry of await this.statMany(files, options.onSkipped)) if (entry !== undefined) yield entry
    }
  }

  /**
   * `stat` of many files, STAT_CONCURRENCY at a time, in the order given (callbacks: a promise each cost more than the call).
   * One that cannot be looked at (a path longer than the system takes) is told to `onSkipped` and left out.
   */
  private async statMany (paths: string[], onSkipped: FolderListOptions['onSkipped']): Promise<Array<FolderEntry | undefined>> {
    const out = new Array<FolderEntry | undefined>(paths.length)
    if (paths.length === 0) return out
    return await new Promise((resolve) => {
      let next = 0
      let live = 0
      const start = (): void => {
        while (live < STAT_CONCURRENCY && next < paths.length) {
          const i = next++
          const path = paths[i] ?? ''
          live++
          lstatCallback(this.abs(path), (err, info) => {
            live--
            if (err !== null) {
              if (!isMissing(err)) onSkipped?.(path, errorCode(err))
            } else if (info.isFile()) {
              out[i] = entryOf(path, info.size, info.mtimeMs)
            }
            if (next >= paths.length && live === 0) resolve(out)
            else start()
          })
        }
      }
      start()
    })
  }

  async stat (path: string): Promise<FolderEntry | undefined> {
    try {
      const info = await lstat(this.abs(path))
      return info.isFile() ? entryOf(path, info.size, info.mtimeMs) : undefined
    } catch (err) {
      if (isMissing(err)) return undefined
      throw err
    }
  }

  /**
   * Reads only the plain file the listing saw, never one elsewhere through a
   * link: a file swapped for a link (or a FIFO, a folder) after the listing
   * fails as gone (FILE_NOT_FOUND, which the scan takes as "changed while
   * read": nothing uploaded, the next scan sees the path as it is then), and
   * a folder on the way swapped for a link is refused (FOLDER_PATH_UNSAFE),
   * before the open and again after it, when the file opened must still be
   * the one at the path.
   */
  async read (path: string): Promise<ReadableStream<Uint8Array>> {
    const target = this.abs(path)
    await this.refuseLinkedFolders(path)
    // Opened here, so a missing file fails now rather than on the first read.
    let handle
    try {
      handle = await open(target, READ_FLAGS)
    } catch (err) {
      if (isMissing(err) || isLink(err)) throw new FileNotFoundError('That file is no longer in the folder', { cause: err })
      throw err
    }
    try {
      const opened = await handle.stat()
      if (!opened.isFile()) throw new FileNotFoundError('That file is no longer a plain file in the folder')
      await this.refuseLinkedFolders(path)
      const named = await lstat(target).catch((err: unknown) => { if (isMissing(err)) return undefined; throw err })
      if (named === undefined || named.dev !== opened.dev || named.ino !== opened.ino) throw new FileNotFoundError('That file was replaced while it was opened')
    } catch (err) {
      await handle.close().catch(() => {})
      throw err
    }
    // The stream owns the FileHandle (and closes it): a bare fd would be closed under it when the handle is collected.
    return Readable.toWeb(handle.createReadStream({ highWaterMark: 1024 * 1024 })) as ReadableStream<Uint8Array>
  }

  async write (path: string, content: ReadableStream<Uint8Array>, mtime: number): Promise<FolderEntry> {
    const target = this.abs(path)
    await this.refuseLinkedFolders(path)
    await this.refuseOccupied(target)
    await mkdir(dirname(target), { recursive: true })
    const temp = join(dirname(target), `${TEMP_PREFIX}${randomBytes(6).toString('hex')}.tmp`)
    const handle = await open(temp, 'wx')
    try {
      const reader = content.getReader()
      let total = 0
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        await writeAll(handle, value)
        total += value.byteLength
      }
      // Durable before it takes the name: a crash leaves the old file or the new one.
      await handle.sync()
      // A full disk may have taken fewer bytes without an error: a short file never takes the name.
      if ((await handle.stat()).size !== total) throw new CairnError('FOLDER_DISK_FULL', 'The disk is full: the file was not written')
      await handle.close()
      await utimes(temp, new Date(mtime), new Date(mtime))
      // Looked at again: a link may have taken the name while the content was written.
      await this.refuseLinkedFolders(path)
      await this.refuseOccupied(target)
      await rename(temp, target)
    } catch (err) {
      await handle.close().catch(() => {})
      await unlink(temp).catch(() => {})
      throw err
    }
    const written = await this.stat(path)
    if (written === undefined) throw new FileNotFoundError('The file written was removed at once')
    return written
  }

  async rename (from: string, to: string): Promise<void> {
    const target = this.abs(to)
    await this.refuseLinkedFolders(from)
    await this.refuseLinkedFolders(to)
    if (await this.exists(target)) throw new CairnError('FOLDER_FILE_EXISTS', 'A file of that name is already in the folder')
    await mkdir(dirname(target), { recursive: true })
    try {
      await rename(this.abs(from), target)
    } catch (err) {
      if (isMissing(err)) throw new FileNotFoundError('That file is no longer in the folder', { cause: err })
      throw err
    }
  }

  async trash (path: string, now: number): Promise<string> {
    let to = trashPath(path, now)
    // Trashed twice in a day: keep both.
    for (let n = 2; await this.exists(this.abs(to)); n++) to = `${trashPath(path, now)}.${n}`
    await this.rename(path, to)
    return to
  }

  async mkdir (path: string): Promise<void> {
    if (this.isOwnData(path)) throw new CairnError('FOLDER_PATH_UNSAFE', 'That path is inside Cairn\'s own data folder, which sync leaves alone')
    await mkdir(this.abs(path), { recursive: true })
  }

  async remove (path: string): Promise<void> {
    if (path !== TRASH_FOLDER && !path.startsWith(`${TRASH_FOLDER}/`)) throw new CairnError('INVALID_ARGUMENT', 'Only what is in the folder\'s trash is ever deleted')
    // rm follows a link on the way (a `.cairn-trash` made a link to elsewhere): it would empty that folder instead.
    await this.refuseLinkedFolders(path)
    await rm(this.abs(path), { recursive: true, force: true })
  }

  async watch (onChange: (paths: string[]) => void): Promise<FolderWatch> {
    const prefix = this.root.endsWith(sep) ? this.root : this.root + sep
    const subscription = await watcher.subscribe(this.root, (err, events) => {
      // A watcher error (the folder went away) only means the next scan finds out.
      if (err !== null) return
      // The daemon's own stores change all the time (each scan saves its state there): no rescan for those.
      const paths = events.map(e => e.path.startsWith(prefix) ? e.path.slice(prefix.length).split(sep).join('/') : '').filter(p => !this.isOwnData(p))
      if (paths.length > 0) onChange(paths)
    })
    return { stop: async () => { await subscription.unsubscribe() } }
  }

  private async exists (abs: string): Promise<boolean> {
    try {
      await lstat(abs)
      return true
    } catch (err) {
      if (isMissing(err)) return false
      throw err
    }
  }
}
