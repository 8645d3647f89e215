/** Figures from CDP `Runtime.getHeapUsage`, in bytes. */
export interface HeapUsage {
  /** Used V8 (JavaScript) heap. */
  usedSize: number
  /** ArrayBuffer backing stores: outside the V8 heap, and where file bytes live. */
  backingStorageSize: number
}

/** One CDP call on a worker's session. */
export type WorkerCall = (method: string, params?: Record<string, unknown>) => Promise<unknown>

/**
 * CDP on one dedicated worker of the bench page (bench-page.ts attaches its
 * workers' sessions): a worker has no `performance.memory` or
 * `measureUserAgentSpecificMemory` (checked in Chromium 156), so its heap
 * is read and collected through the protocol.
 */
export class WorkerCdp {
  constructor (readonly call: WorkerCall) {}

  async collectGarbage (): Promise<void> {
    await this.call('HeapProfiler.collectGarbage')
  }

  async heapUsage (): Promise<HeapUsage> {
    const usage = await this.call('Runtime.getHeapUsage') as Partial<HeapUsage>
    return { usedSize: usage.usedSize ?? 0, backingStorageSize: usage.backingStorageSize ?? 0 }
  }
}
