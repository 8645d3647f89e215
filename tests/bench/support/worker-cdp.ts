import type { CDPSession, Page } from '@playwright/test'

interface TargetInfo { targetId: string, type: string, url: string }
interface CdpReply { id?: number, result?: unknown, error?: { message: string } }

/** Figures from CDP `Runtime.getHeapUsage`, in bytes. */
export interface HeapUsage {
  /** Used V8 (JavaScript) heap. */
  usedSize: number
  /** ArrayBuffer backing stores: outside the V8 heap, and where file bytes live. */
  backingStorageSize: number
}

/**
 * A CDP session on one dedicated worker of a page. Playwright opens CDP
 * sessions only on pages and frames, and a worker has no
 * `performance.memory` or `measureUserAgentSpecificMemory` (checked in
 * Chromium 156), so this attaches to the worker target through the page's
 * session and tunnels commands with `Target.sendMessageToTarget`.
 */
export class WorkerCdp {
  private nextId = 1
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void }>()

  private constructor (private readonly session: CDPSession, private readonly sessionId: string) {
    session.on('Target.receivedMessageFromTarget', (event) => {
      if (event.sessionId !== this.sessionId) return
      const reply = JSON.parse(event.message) as CdpReply
      if (reply.id === undefined) return
      const entry = this.waiting.get(reply.id)
      if (entry === undefined) return
      this.waiting.delete(reply.id)
      if (reply.error !== undefined) entry.reject(new Error(reply.error.message))
      else entry.resolve(reply.result)
    })
  }

  /** Attaches to the page's worker whose URL contains `urlPart`. */
  static async attach (page: Page, urlPart: string): Promise<WorkerCdp> {
    const session = await page.context().newCDPSession(page)
    const { targetInfos } = await session.send('Target.getTargets') as { targetInfos: TargetInfo[] }
    const target = targetInfos.find((t) => t.type === 'worker' && t.url.includes(urlPart))
    if (target === undefined) throw new Error(`no worker target with "${urlPart}" in its URL`)
    const { sessionId } = await session.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })
    return new WorkerCdp(session, sessionId)
  }

  async call (method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++
    return await new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      this.session.send('Target.sendMessageToTarget', { sessionId: this.sessionId, message: JSON.stringify({ id, method, params }) })
        .catch((err: unknown) => { this.waiting.delete(id); reject(err as Error) })
    })
  }

  async collectGarbage (): Promise<void> {
    await this.call('HeapProfiler.collectGarbage')
  }

  async heapUsage (): Promise<HeapUsage> {
    const usage = await this.call('Runtime.getHeapUsage') as Partial<HeapUsage>
    return { usedSize: usage.usedSize ?? 0, backingStorageSize: usage.backingStorageSize ?? 0 }
  }

  async detach (): Promise<void> {
    await this.session.detach().catch(() => {})
  }
}
