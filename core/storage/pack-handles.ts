import type { PackFile, PackFiles } from './pack-files.ts'

interface Slot {
  file: Promise<PackFile>
  users: number
  lastUsed: number
}

/**
 * Keeps pack files open between reads. Opening an OPFS file costs ~3–4 ms,
 * so handles stay cached, but each one locks its file, so the cache is
 * bounded: the least recently used idle handles close first. The store
 * holds the pack it appends to acquired for as long as it appends, so that
 * handle is never closed and readers share it (OPFS allows one sync handle
 * per file).
 */
export class PackHandles {
  private readonly slots = new Map<string, Slot>()
  /** Closes in flight: a reopen waits for them, since the file stays locked until then. */
  private readonly closing = new Map<string, Promise<void>>()
  /** Callers of {@link closeWhenIdle} waiting for a name's readers to finish. */
  private readonly idleWaiters = new Map<string, Array<() => void>>()
  private clock = 0

  constructor (private readonly files: PackFiles, private readonly maxOpen: number) {}

  /** Opens (or reuses) `name`; pair every call with {@link release}. */
  async acquire (name: string): Promise<PackFile> {
    let slot = this.slots.get(name)
    if (slot === undefined) {
      const closing = this.closing.get(name)
      const open = async (): Promise<PackFile> => {
        if (closing !== undefined) await closing.catch(() => {})
        return await this.files.open(name)
      }
      slot = { file: open(), users: 0, lastUsed: 0 }
      this.slots.set(name, slot)
      // Forget a failed open so the next call retries instead of replaying the error.
      slot.file.catch(() => { if (this.slots.get(name) === slot) this.slots.delete(name) })
    }
    slot.users++
    slot.lastUsed = ++this.clock
    try {
      return await slot.file
    } catch (err) {
      slot.users--
      throw err
    }
  }

  /** Gives back a handle from {@link acquire}; idle handles beyond the limit close. */
  async release (name: string): Promise<void> {
    const slot = this.slots.get(name)
    if (slot === undefined) return
    slot.users = Math.max(0, slot.users - 1)
    if (slot.users === 0) this.wakeIdle(name)
    await this.trim()
  }

  /**
   * Waits until nobody uses `name`, then closes it: before compaction deletes
   * a pack, so a read already under way ends first. Callers must make sure no
   * new reader of `name` starts meanwhile.
   */
  async closeWhenIdle (name: string): Promise<void> {
    for (let slot = this.slots.get(name); slot !== undefined && slot.users > 0; slot = this.slots.get(name)) {
      await new Promise<void>((resolve) => {
        const waiters = this.idleWaiters.get(name) ?? []
        waiters.push(resolve)
        this.idleWaiters.set(name, waiters)
      })
    }
    await this.close(name)
    await this.closing.get(name)
  }

  /** Closes `name` now if it is open and idle (before deleting the file, say). */
  async close (name: string): Promise<void> {
    const slot = this.slots.get(name)
    if (slot === undefined || slot.users > 0) return
    this.slots.delete(name)
    const done = (async () => { await (await slot.file).close() })()
    this.closing.set(name, done)
    try {
      await done
    } finally {
      if (this.closing.get(name) === done) this.closing.delete(name)
    }
  }

  /** Closes every handle. Callers must have stopped using them. */
  async closeAll (): Promise<void> {
    const names = [...this.slots.keys()]
    for (const slot of this.slots.values()) slot.users = 0
    for (const name of [...this.idleWaiters.keys()]) this.wakeIdle(name)
    const results = await Promise.allSettled([
      ...names.map(async (name) => { await this.close(name) }),
      ...this.closing.values()
    ])
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
  }

  private wakeIdle (name: string): void {
    const waiters = this.idleWaiters.get(name)
    if (waiters === undefined) return
    this.idleWaiters.delete(name)
    for (const wake of waiters) wake()
  }

  private async trim (): Promise<void> {
    if (this.slots.size <= this.maxOpen) return
    const idle = [...this.slots.entries()]
      .filter(([, slot]) => slot.users === 0)
      .sort((a, b) => a[1].lastUsed - b[1].lastUsed)
    for (const [name] of idle.slice(0, this.slots.size - this.maxOpen)) {
      await this.close(name)
    }
  }
}
