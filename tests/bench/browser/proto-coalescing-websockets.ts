import type { WebSocketsInit } from '@libp2p/websockets'
import { webSocketsDiallingWith, type Factory } from '../../../relay-server/shared/websockets-dialling.ts'

/** Sends held back are joined up to this many bytes per WebSocket message. */
export const COALESCE_MAX_BYTES = 256 * 1024

/** The DOM-shaped WebSocket constructor a platform hands in (the browser's own, or ws in Node). */
export type WebSocketClass = new (url: string | URL, protocols?: string | string[]) => WebSocket

/**
 * Prototype (issue 12), measured by the bench, not shipped: a WebSocket class whose binary `send`s made in one turn of the event loop
 * go out as one message (up to {@link COALESCE_MAX_BYTES}). libp2p sends
 * every piece of a write separately: a Noise frame's 2-byte length, its
 * ciphertext, each yamux header and window update; about four messages of
 * five were under 1 KiB. In a browser each message is its own trip from the
 * worker through the renderer to the network process. The byte stream is the
 * same (libp2p does not see message boundaries); `bufferedAmount` counts the
 * bytes held back, so libp2p's back-pressure still sees them.
 */
export function coalescingSocketClass (Base: WebSocketClass): WebSocketClass {
  return class CoalescingWebSocket extends Base {
    #pending: Array<Uint8Array<ArrayBuffer>> = []
    #pendingBytes = 0

    override send (data: string | ArrayBuffer | Blob | ArrayBufferView<ArrayBuffer>): void {
      if (!ArrayBuffer.isView(data)) {
        this.#flush()
        super.send(data)
        return
      }
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      if (this.#pendingBytes + bytes.byteLength > COALESCE_MAX_BYTES) this.#flush()
      if (this.#pending.length === 0) queueMicrotask(() => { this.#flush() })
      this.#pending.push(bytes)
      this.#pendingBytes += bytes.byteLength
    }

    override get bufferedAmount (): number {
      return super.bufferedAmount + this.#pendingBytes
    }

    override close (code?: number, reason?: string): void {
      this.#flush()
      super.close(code, reason)
    }

    #flush (): void {
      const parts = this.#pending
      if (parts.length === 0) return
      this.#pending = []
      const size = this.#pendingBytes
      this.#pendingBytes = 0
      let message = parts[0] as Uint8Array<ArrayBuffer>
      if (parts.length > 1) {
        message = new Uint8Array(size)
        let at = 0
        for (const part of parts) { message.set(part, at); at += part.byteLength }
      }
      // Closed meanwhile: the bytes are dropped, as a closed socket's sends are.
      if (this.readyState !== this.OPEN) return
      super.send(message)
    }
  }
}


/**
 * `webSockets()` dialling with `Socket` (wrapped by {@link coalescingSocketClass}).
 * The transport reads the global `WebSocket` in `_connect`, synchronously
 * before its first await; the global is swapped for that call only, so no
 * other code ever sees it changed. Listening is unchanged.
 */
export function webSocketsWith (Socket: WebSocketClass, init?: WebSocketsInit): Factory {
  return webSocketsDiallingWith(coalescingSocketClass(Socket) as unknown as typeof globalThis.WebSocket, init)
}
