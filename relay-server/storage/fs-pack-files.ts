import { close, closeSync, constants, fdatasync, fstatSync, ftruncateSync, fsync, mkdirSync, openSync, readdirSync, readSync, unlinkSync, write, writeSync, writev } from 'node:fs'
import { join } from 'node:path'
import type { MaybePromise, PackFile, PackFiles } from '../../core/storage/pack-files.ts'

/**
 * {@link PackFiles} on a directory of the Node file system.
 *
 * Reads, sizes, truncations and small writes are synchronous calls on a file
 * descriptor: cheaper than a round trip through libuv's thread pool. A large
 * write (a block) goes to the thread pool instead, so the backup peer's one
 * JavaScript thread is not held while the kernel copies a MiB into the page
 * cache, or stalls the write while the disk catches up; it serves the
 * network, decrypts and hashes meanwhile (tests/bench/README.md, "Pack
 * writes off the event loop"). `flush()` waits for the disk, so it runs
 * `fdatasync` on the thread pool too.
 *
 * Every call on one file still acts in the order it was made: a write in
 * flight is waited for by the next write, truncate, flush and close (so a
 * descriptor is never closed, and so never reused, under a pending write).
 * Callers that await each write (the pack writer does) see no difference
 * but the free event loop.
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

  /**
   * `directory` is created (with its parents) when missing.
   * `asyncWriteMinBytes`: writes this long or longer go to the thread pool
   * (default {@link ASYNC_WRITE_MIN_BYTES}; Infinity keeps every write on
   * the calling thread, for comparisons).
   */
  constructor (readonly directory: string, private readonly asyncWriteMinBytes = ASYNC_WRITE_MIN_BYTES) {
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
    return new FsPackFile(fd, name, this.asyncWriteMinBytes, () => { this.openNames.delete(name) })
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

/** Writes this long or longer go to the thread pool; shorter ones (journal records, headers) cost less than the hop. */
export const ASYNC_WRITE_MIN_BYTES = 64 * 1024

/** One open file: a descriptor, synchronous reads, and writes in call order. */
class FsPackFile implements PackFile {
  private closed = false
  /** The last thread-pool write, until it settles: later calls that change the file wait for it. */
  private pending: Promise<unknown> | undefined

  constructor (
    private readonly fd: number,
    private readonly name: string,
    private readonly asyncWriteMinBytes: number,
    private readonly onClose: () => void
  ) {}

  size (): MaybePromise<number> {
    this.check()
    if (this.pending !== undefined) return this.after(() => fstatSync(this.fd).size)
    return fstatSync(this.fd).size
  }

  /**
   * Reads bytes already written. Does not wait for a write in flight: the
   * pack store only reads blocks its index names, and it names a block once
   * its write has finished.
   */
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

  write (offset: number, bytes: Uint8Array): MaybePromise<number> {
    this.check()
    if (this.pending === undefined && bytes.length < this.asyncWriteMinBytes) return writeAllSync(this.fd, offset, bytes)
    // The caller must not change `bytes` until this settles (the pack writer awaits it).
    return this.after(async () => await writeAll(this.fd, offset, bytes))
  }

  writeMany (offset: number, pieces: readonly Uint8Array[]): MaybePromise<number> {
    this.check()
    let length = 0
    for (const piece of pieces) length += piece.length
    if (this.pending === undefined && length < this.asyncWriteMinBytes) {
      let done = 0
      for (const piece of pieces) done += writeAllSync(this.fd, offset + done, piece)
      return done
    }
    return this.after(async () => await writevAll(this.fd, offset, pieces, length))
  }

  truncate (size: number): MaybePromise<void> {
    this.check()
    if (this.pending !== undefined) return this.after(() => { ftruncateSync(this.fd, size) })
    ftruncateSync(this.fd, size)
  }

  async flush (): Promise<void> {
    this.check()
    // Waits for a write in flight, which `flush` must make durable too.
    await this.after(async () => {
      // fdatasync also persists a changed file length, which is all the metadata a pack needs.
      await new Promise<void>((resolve, reject) => {
        fdatasync(this.fd, (err) => { if (err === null) resolve(); else reject(err) })
      })
    })
  }

  close (): MaybePromise<void> {
    if (this.closed) return
    this.closed = true
    const pending = this.pending
    if (pending === undefined) {
      this.onClose()
      closeSync(this.fd)
      return
    }
    // A write still running keeps the descriptor (and the name locked) until
    // it ends; its error was its caller's.
    return pending.then(() => {}, () => {}).then(async () => {
      this.onClose()
      await new Promise<void>((resolve, reject) => { close(this.fd, (err) => { if (err === null) resolve(); else reject(err) }) })
    })
  }

  /** Runs `step` once every earlier call on this file has settled; later calls wait for it in turn. */
  private async after<T> (step: () => T | Promise<T>): Promise<T> {
    const previous = this.pending
    const run = (async () => {
      // Checked when called: a call made before close() still runs (close waits for it).
      if (previous !== undefined) await previous.catch(() => {})
      return await step()
    })()
    this.pending = run
    try {
      return await run
    } finally {
      if (this.pending === run) this.pending = undefined
    }
  }

  private check (): void {
    if (this.closed) throw fsError('EBADF', `${this.name} is closed`)
  }
}

/** write(2) may store fewer bytes than asked; go on until all of them land or it throws (ENOSPC). */
function writeAllSync (fd: number, offset: number, bytes: Uint8Array): number {
  let done = 0
  while (done < bytes.length) {
    done += writeSync(fd, bytes, done, bytes.length - done, offset + done)
  }
  return done
}

/** {@link writeAllSync} on libuv's thread pool. */
async function writeAll (fd: number, offset: number, bytes: Uint8Array): Promise<number> {
  let done = 0
  while (done < bytes.length) {
    done += await new Promise<number>((resolve, reject) => {
      write(fd, bytes, done, bytes.length - done, offset + done, (err, written) => { if (err === null) resolve(written); else reject(err) })
    })
  }
  return done
}

/** Most pieces one `writev` takes (IOV_MAX is 1024 on Linux); a block has ~17. */
const MAX_WRITEV_PIECES = 512

/** `pieces` back to back at `offset` with one writev(2) on the thread pool; a short write goes on piece by piece. */
async function writevAll (fd: number, offset: number, pieces: readonly Uint8Array[], length: number): Promise<number> {
  let done = 0
  if (pieces.length <= MAX_WRITEV_PIECES) {
    done = await new Promise<number>((resolve, reject) => {
      writev(fd, pieces as Uint8Array[], offset, (err, written) => { if (err === null) resolve(written); else reject(err) })
    })
    if (done === length) return done
  }
  // What writev did not store (rare: a full disk stores part, then the next call throws).
  let at = 0
  for (const piece of pieces) {
    const end = at + piece.length
    if (end > done) {
      const rest = piece.subarray(Math.max(0, done - at))
      done += await writeAll(fd, offset + done, rest)
    }
    at = end
  }
  return done
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
