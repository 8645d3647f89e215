import { closeSync, constants, fdatasync, fstatSync, ftruncateSync, fsync, mkdirSync, openSync, readdirSync, readSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { PackFile, PackFiles } from '../../core/storage/pack-files.ts'

/**
 * {@link PackFiles} on a directory of the Node file system.
 *
 * Reads, writes, sizes and truncations are synchronous calls on a file
 * descriptor: the blockstore awaits every write anyway, and a positional
 * copy into the page cache (a 1 MiB block in well under a millisecond) is
 * cheaper than a round trip through libuv's thread pool. `flush()` is the
 * one call that waits for the disk, so it runs `fdatasync` on the thread
 * pool and the event loop keeps serving the network meanwhile.
 *
 * Errors are Node's own (`ENOSPC`, `EDQUOT`, `EIO`, …) with their `code`, so
 * the pack blockstore maps a full disk to QUOTA_EXCEEDED.
 *
 * Only one handle per name may be open at a time, as with OPFS; this holds
 * within one process. Keeping a second process off the directory is the
 * caller's job (the backup peer locks its data directory).
 */
export class FsPackFiles implements PackFiles {
  private readonly openNames = new Set<string>()

  /** `directory` is created (with its parents) when missing. */
  constructor (readonly directory: string) {
    mkdirSync(directory, { recursive: true })
  }

  async open (name: string): Promise<PackFile> {
    checkName(name)
    if (this.openNames.has(name)) throw fsError('EBUSY', `${name} is already open`)
    const path = join(this.directory, name)
    let fd: number
    let created = true
    try {
      fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o600)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      fd = openSync(path, constants.O_RDWR)
      created = false
    }
    // A new file's name lives in the directory: without this, a power cut
    // could lose the whole file even after its own data was flushed.
    if (created) await syncDirectory(this.directory)
    this.openNames.add(name)
    return new FsPackFile(fd, name, () => { this.openNames.delete(name) })
  }

  async list (): Promise<string[]> {
    return readdirSync(this.directory, { withFileTypes: true })
      .filter((entry) => entry.isFile() || entry.isSymbolicLink())
      .map((entry) => entry.name)
  }

  async remove (name: string): Promise<void> {
    checkName(name)
    if (this.openNames.has(name)) throw fsError('EBUSY', `${name} is open`)
    try {
      unlinkSync(join(this.directory, name))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
      throw err
    }
    await syncDirectory(this.directory)
  }

  /** Names of the files open right now (tests check that a stopped store closed everything). */
  openFiles (): string[] {
    return [...this.openNames]
  }
}

/** One open file: a descriptor and synchronous positional I/O on it. */
class FsPackFile implements PackFile {
  private closed = false

  constructor (private readonly fd: number, private readonly name: string, private readonly onClose: () => void) {}

  size (): number {
    this.check()
    return fstatSync(this.fd).size
  }

  read (offset: number, length: number): Uint8Array {
    this.check()
    if (length <= 0) return new Uint8Array(0)
    // Not Buffer.allocUnsafe: small Buffers share one pooled ArrayBuffer, and
    // a block handed out must own its memory (the caller may keep it).
    const bytes = new Uint8Array(length)
    let got = 0
    while (got < length) {
      const n = readSync(this.fd, bytes, got, length - got, offset + got)
      if (n === 0) break
      got += n
    }
    return got === length ? bytes : bytes.subarray(0, got)
  }

  write (offset: number, bytes: Uint8Array): number {
    this.check()
    let done = 0
    // write(2) may store fewer bytes than asked; go on until all of them land or it throws (ENOSPC).
    while (done < bytes.length) {
      done += writeSync(this.fd, bytes, done, bytes.length - done, offset + done)
    }
    return done
  }

  truncate (size: number): void {
    this.check()
    ftruncateSync(this.fd, size)
  }

  async flush (): Promise<void> {
    this.check()
    // fdatasync also persists a changed file length, which is all the metadata a pack needs.
    await new Promise<void>((resolve, reject) => {
      fdatasync(this.fd, (err) => { if (err === null) resolve(); else reject(err) })
    })
  }

  close (): void {
    if (this.closed) return
    this.closed = true
    this.onClose()
    closeSync(this.fd)
  }

  private check (): void {
    if (this.closed) throw fsError('EBADF', `${this.name} is closed`)
  }
}

/** Makes the directory's entries (new and removed names) durable; a no-op where directories cannot be synced. */
async function syncDirectory (directory: string): Promise<void> {
  let fd: number
  try {
    fd = openSync(directory, constants.O_RDONLY)
  } catch {
    return
  }
  try {
    await new Promise<void>((resolve) => {
      // Windows refuses to fsync a directory (EPERM/EISDIR); there is nothing more to do there.
      fsync(fd, () => { resolve() })
    })
  } finally {
    closeSync(fd)
  }
}

/** Pack names are flat: a separator or '..' would reach outside the directory. */
function checkName (name: string): void {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw fsError('EINVAL', `Not a pack file name: ${JSON.stringify(name)}`)
  }
}

function fsError (code: string, message: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: ${message}`)
  err.code = code
  return err
}
