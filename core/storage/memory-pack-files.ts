import type { MaybePromise, PackFile, PackFiles } from './pack-files.ts'

/** Options for {@link MemoryPackFiles}. */
export interface MemoryPackFilesInit {
  /**
   * Return promises from every `PackFile` method, as a Node `fs` adapter
   * would, so tests cover the asynchronous paths too. Default false (values,
   * like OPFS sync access handles).
   */
  async?: boolean
  /**
   * Total bytes all files together may hold. A write that would go past it
   * stores what fits, then throws a `QuotaExceededError` DOMException, as a
   * browser does when the origin's quota runs out. Default: unlimited.
   */
  quotaBytes?: number
}

/** The bytes of one file; they outlive its handles, so a store can be reopened. */
class MemoryFileData {
  buffer = new Uint8Array(0)
  length = 0
  /** The contents as of the last flush: what a crash leaves behind. */
  durable = new Uint8Array(0)

  ensureCapacity (size: number): void {
    if (size <= this.buffer.length) return
    // Doubling keeps appends amortised O(1) without holding a huge slack.
    const next = new Uint8Array(Math.max(size, this.buffer.length * 2, 4096))
    next.set(this.buffer.subarray(0, this.length))
    this.buffer = next
  }

  resize (size: number): void {
    if (size > this.length) {
      this.ensureCapacity(size)
      this.buffer.fill(0, this.length, size)
    }
    this.length = size
  }
}

/**
 * In-memory {@link PackFiles} for unit tests: files survive close/reopen, an
 * open file is locked like an OPFS sync access handle, and a byte quota can
 * make writes fail part-way as a full disk does.
 */
export class MemoryPackFiles implements PackFiles {
  /** Total bytes all files may hold; change it between operations to simulate a disk filling or emptying. */
  quotaBytes: number
  private readonly files = new Map<string, MemoryFileData>()
  private readonly openNames = new Set<string>()
  /** Close functions of the open handles, so a simulated crash can revoke them. */
  private readonly handles = new Set<() => void>()
  private readonly async: boolean

  constructor (init: MemoryPackFilesInit = {}) {
    this.async = init.async ?? false
    this.quotaBytes = init.quotaBytes ?? Number.POSITIVE_INFINITY
  }

  async open (name: string): Promise<PackFile> {
    if (this.openNames.has(name)) {
      // OPFS throws NoModificationAllowedError when a second sync handle is requested.
      throw new DOMException(`${name} is already open`, 'NoModificationAllowedError')
    }
    let data = this.files.get(name)
    if (data === undefined) {
      data = new MemoryFileData()
      this.files.set(name, data)
    }
    this.openNames.add(name)
    return this.handle(name, data)
  }

  async list (): Promise<string[]> {
    return [...this.files.keys()]
  }

  async remove (name: string): Promise<void> {
    if (this.openNames.has(name)) throw new DOMException(`${name} is open`, 'NoModificationAllowedError')
    this.files.delete(name)
  }

  /** Total bytes held by all files. */
  usedBytes (): number {
    let total = 0
    for (const data of this.files.values()) total += data.length
    return total
  }

  /** Names of files that are currently open (tests check that a stopped store closed everything). */
  openFiles (): string[] {
    return [...this.openNames]
  }

  /** A copy of a file's bytes (test inspection). */
  bytes (name: string): Uint8Array {
    const data = this.files.get(name)
    if (data === undefined) throw new Error(`no file ${name}`)
    return data.buffer.slice(0, data.length)
  }

  /**
   * Simulates the process dying: every open handle stops working and its
   * lock is released. With `lose: 'unflushed'` each file goes back to its
   * contents at its last flush (what an OS may leave after a power cut);
   * with `lose: 'nothing'` every write survives (the process died, the OS
   * kept its page cache).
   */
  crash (lose: 'unflushed' | 'nothing'): void {
    for (const revoke of [...this.handles]) revoke()
    if (lose === 'nothing') return
    for (const data of this.files.values()) {
      data.buffer = data.durable.slice()
      data.length = data.durable.length
    }
  }

  /** Flips every bit of the byte at `offset`, on "disk" too: damage that happens under an open store. */
  flipByte (name: string, offset: number): void {
    const data = this.files.get(name)
    if (data === undefined) throw new Error(`no file ${name}`)
    if (offset >= data.length) throw new Error(`${name} has only ${data.length} bytes`)
    data.buffer[offset] = (data.buffer[offset] as number) ^ 0xff
    if (offset < data.durable.length) data.durable[offset] = (data.durable[offset] as number) ^ 0xff
  }

  /** Cuts a closed file to `size` bytes, as a crash part-way through a write would. */
  truncateFile (name: string, size: number): void {
    const data = this.files.get(name)
    if (data === undefined) throw new Error(`no file ${name}`)
    if (this.openNames.has(name)) throw new Error(`${name} is open`)
    data.resize(Math.min(size, data.length))
  }

  private handle (name: string, data: MemoryFileData): PackFile {
    let closed = false
    const revoke = (): void => {
      closed = true
      this.openNames.delete(name)
      this.handles.delete(revoke)
    }
    this.handles.add(revoke)
    const check = (): void => {
      if (closed) throw new DOMException(`${name} is closed`, 'InvalidStateError')
    }
    const wrap = <T>(fn: () => T): MaybePromise<T> => {
      if (!this.async) return fn()
      return new Promise<T>((resolve, reject) => {
        // A macrotask-free but genuinely deferred result, so callers must await.
        queueMicrotask(() => { try { resolve(fn()) } catch (err) { reject(err) } })
      })
    }
    return {
      size: () => wrap(() => { check(); return data.length }),
      read: (offset, length) => wrap(() => {
        check()
        const end = Math.min(offset + length, data.length)
        // A copy: the buffer moves when it grows and the caller may keep the block.
        return offset >= end ? new Uint8Array(0) : data.buffer.slice(offset, end)
      }),
      write: (offset, bytes) => wrap(() => {
        check()
        const end = offset + bytes.length
        const growth = Math.max(0, end - data.length)
        const room = this.quotaBytes - this.usedBytes()
        if (growth > room) {
          // Store what fits, then fail: the caller must clean up the partial write.
          const fits = Math.max(0, data.length + Math.max(0, room) - offset)
          if (fits > 0 && offset <= data.length) {
            data.ensureCapacity(offset + fits)
            data.buffer.set(bytes.subarray(0, fits), offset)
            data.length = Math.max(data.length, offset + fits)
          }
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
        }
        if (offset > data.length) data.resize(offset)
        data.ensureCapacity(end)
        data.buffer.set(bytes, offset)
        data.length = Math.max(data.length, end)
        return bytes.length
      }),
      truncate: (size) => wrap(() => { check(); data.resize(size) }),
      flush: () => wrap(() => {
        check()
        data.durable = data.buffer.slice(0, data.length)
      }),
      close: () => wrap(() => { if (!closed) revoke() })
    }
  }
}
