import WebSocket from 'ws'

/** A CDP event: on the browser, or on an attached target's session (`sessionId`). */
export interface CdpEvent {
  method: string
  params: Record<string, unknown>
  sessionId?: string
}

interface CdpMessage extends Partial<CdpEvent> {
  id?: number
  result?: unknown
  error?: { message: string }
}

/**
 * The DevTools protocol over Chromium's debugging WebSocket, with flattened
 * sessions: what the bench needs to drive its page without Playwright,
 * which enables the Network domain on every page and worker it attaches to
 * (plain-chromium.ts says why that matters).
 */
export class CdpConnection {
  private nextId = 1
  private readonly waiting = new Map<number, { resolve: (result: unknown) => void, reject: (err: Error) => void, method: string }>()
  private readonly listeners = new Set<(event: CdpEvent) => void>()

  private constructor (private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as CdpMessage
      if (message.id === undefined) {
        if (message.method !== undefined) for (const listener of this.listeners) listener(message as CdpEvent)
        return
      }
      const entry = this.waiting.get(message.id)
      if (entry === undefined) return
      this.waiting.delete(message.id)
      if (message.error !== undefined) entry.reject(new Error(`${entry.method}: ${message.error.message}`))
      else entry.resolve(message.result)
    })
    socket.on('close', () => {
      for (const entry of this.waiting.values()) entry.reject(new Error(`${entry.method}: the browser closed its debugging connection`))
      this.waiting.clear()
    })
  }

  static async open (url: string): Promise<CdpConnection> {
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 2 ** 30 })
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => { resolve() })
      socket.once('error', reject)
    })
    return new CdpConnection(socket)
  }

  async send<T = Record<string, unknown>> (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<T> {
    const id = this.nextId++
    return await new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: (result) => { resolve(result as T) }, reject, method })
      this.socket.send(JSON.stringify({ id, method, params, ...(sessionId !== undefined ? { sessionId } : {}) }))
    })
  }

  /** Calls `listener` with every event; returns the function that stops it. */
  onEvent (listener: (event: CdpEvent) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  close (): void {
    this.socket.close()
  }
}
