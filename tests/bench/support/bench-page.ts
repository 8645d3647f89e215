import type { CdpConnection, CdpEvent } from './cdp-connection.ts'
import type { BenchOptions, HostRequest, WorkerEvent } from '../browser/protocol.ts'

/** What the page asks of run.ts through its one binding (browser/page.ts). */
export type PageCall = { kind: 'report', event: WorkerEvent } | { kind: 'host', id: number, request: HostRequest }

export interface BenchPageHandlers {
  report: (event: WorkerEvent) => void
  host: (request: HostRequest) => Promise<void>
}

interface EvaluateResult { result?: { value?: unknown }, exceptionDetails?: { text: string, exception?: { description?: string } } }

const READY_TIMEOUT_MS = 60_000

/**
 * The bench page in a {@link PlainChromium}, over raw CDP: a tab on the
 * bench server, a binding (`__benchCall`) for the page's reports and host
 * requests, answered by evaluating `__benchReply`, and flattened sessions
 * on its workers for the profiler and heap figures. Only Runtime, Page and
 * the workers' own calls are enabled: never Network.
 */
export class BenchPage {
  private readonly workers = new Map<string, string>()
  private navigations = 0

  private constructor (private readonly cdp: CdpConnection, private readonly sessionId: string, private readonly targetId: string) {}

  static async open (cdp: CdpConnection, url: string, handlers: BenchPageHandlers): Promise<BenchPage> {
    const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' })
    const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true })
    const page = new BenchPage(cdp, sessionId, targetId)
    cdp.onEvent((event) => { page.onEvent(event, handlers) })
    await page.send('Runtime.enable')
    await page.send('Page.enable')
    await page.send('Runtime.addBinding', { name: '__benchCall' })
    // Workers attach as they start (sessions flattened, not paused): the host profiles and weighs the bench worker.
    await page.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true })
    await page.send('Page.navigate', { url })
    const deadline = Date.now() + READY_TIMEOUT_MS
    while (await page.evaluate("'cairnBench' in globalThis") !== true) {
      if (Date.now() > deadline) throw new Error(`the bench page at ${url} did not load within ${READY_TIMEOUT_MS / 1000} s`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    return page
  }

  /** Runs the bench in the page until it ends; throws what the page threw. */
  async run (options: BenchOptions): Promise<void> {
    await this.evaluate(`globalThis.cairnBench.run(${JSON.stringify(options)})`)
    if (this.navigations > 1) throw new Error('the bench page reloaded during the run (see above)')
  }

  /** A CDP call on the page's worker whose URL holds `urlPart`. */
  workerCall (urlPart: string): (method: string, params?: Record<string, unknown>) => Promise<unknown> {
    return async (method, params = {}) => {
      const session = [...this.workers].find(([url]) => url.includes(urlPart))?.[1]
      if (session === undefined) throw new Error(`no worker with "${urlPart}" in its URL is attached`)
      return await this.cdp.send(method, params, session)
    }
  }

  async close (): Promise<void> {
    await this.cdp.send('Target.closeTarget', { targetId: this.targetId }).catch(() => {})
  }

  private async send<T = Record<string, unknown>> (method: string, params: Record<string, unknown> = {}): Promise<T> {
    return await this.cdp.send<T>(method, params, this.sessionId)
  }

  private async evaluate (expression: string): Promise<unknown> {
    const reply = await this.send<EvaluateResult>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })
    if (reply.exceptionDetails !== undefined) throw new Error(reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text)
    return reply.result?.value
  }

  private onEvent (event: CdpEvent, handlers: BenchPageHandlers): void {
    const params = event.params
    if (event.method === 'Target.attachedToTarget' && event.sessionId === this.sessionId) {
      const info = params.targetInfo as { type: string, url: string }
      if (info.type === 'worker') this.workers.set(info.url, params.sessionId as string)
      return
    }
    if (event.sessionId !== this.sessionId) return
    if (event.method === 'Runtime.bindingCalled' && params.name === '__benchCall') {
      const call = JSON.parse(params.payload as string) as PageCall
      if (call.kind === 'report') { handlers.report(call.event); return }
      handlers.host(call.request).then(
        () => { void this.reply(call.id, null) },
        (err: unknown) => { void this.reply(call.id, err instanceof Error ? err.message : String(err)) }
      )
    } else if (event.method === 'Page.frameNavigated' && (params.frame as { parentId?: string }).parentId === undefined) {
      if (++this.navigations > 1) console.error('! the bench page reloaded: the run is void')
    } else if (event.method === 'Runtime.exceptionThrown') {
      const details = params.exceptionDetails as { text: string, exception?: { description?: string } }
      console.error(`! page error: ${details.exception?.description ?? details.text}`)
    } else if (event.method === 'Runtime.consoleAPICalled' && (params.type === 'error' || params.type === 'warning')) {
      const args = params.args as Array<{ value?: unknown, description?: string }>
      console.error(`! console: ${args.map((a) => String(a.value ?? a.description ?? '')).join(' ')}`)
    }
  }

  private async reply (id: number, error: string | null): Promise<void> {
    await this.send('Runtime.evaluate', { expression: `globalThis.__benchReply(${id}, ${JSON.stringify(error)})` })
  }
}
