import type { WebSocketsInit } from '@libp2p/websockets'
import { webSocketsDiallingWith, type Factory } from '../../../relay-server/shared/websockets-dialling.ts'

/** Binary sends of one turn are joined into WebSocket messages of at most this many bytes. */
export const COALESCE_MAX_BYTES = 256 * 1024

/** The DOM-shaped WebSocket constructor a platform hands in (a browser's own, or ws in Node). */
export type WebSocketClass = new (url: string | URL, protocols?: string | string[]) => WebSocket

/** What a coalescing socket was asked to send and what it sent (the bench counts round trips with it). */
export interface CoalescingCounts {
  /** `send` calls. */
  sends: number
  /** WebSocket messages handed to the real socket. */
  messages: number
  /** The most `bufferedAmount` libp2p read (counting sockets only). */
  maxBuffered?: number
  /** Reads of `bufferedAmount` at or over libp2p's pause threshold (each a pause or a 10 ms poll while over it). */
  fullReads?: number
}

type Data = string | ArrayBufferLike | Blob | ArrayBufferView

/**
 * Prototype (issue 12), measured by the bench, not shipped: a WebSocket
 * class whose binary `send`s made in one turn of the event loop go out as
 * one message (up to {@link COALESCE_MAX_BYTES}). libp2p's
 * WebSocket connection sends every piece of a write on its own: a Noise
 * frame's 2-byte length, its ciphertext, each yamux header and window
 * update; in a browser each message is a trip from the worker through the
 * renderer to the network process. The byte stream is the same; libp2p does
 * not see message boundaries. In the browser it cut messages 4.5× but not
 * Chromium's CPU, and held latency-bound sends (window updates, wants) to
 * the end of the turn: relayed and restore runs were no faster, a little
 * slower (tests/bench/README.md, "Replication speed").
 *
 * As the DOM's `send` does, each send takes its bytes at the call: what is
 * held is a copy, so a caller may reuse its buffer at once (the prototype
 * held the caller's view until the turn ended). `bufferedAmount` counts what
 * is held, so libp2p's back-pressure sees it; `close` sends what is held
 * first; held bytes are dropped if the socket closed underneath, as a closed
 * socket drops sends.
 */
export function coalescingSocketClass (Base: WebSocketClass, counts?: CoalescingCounts): WebSocketClass {
  return class CoalescingWebSocket extends Base {
    #held: Array<Uint8Array<ArrayBuffer>> = []
    #heldBytes = 0
    #flushQueued = false

    override send (data: Data): void {
      if (counts !== undefined) counts.sends++
      const bytes = binaryView(data)
      if (bytes === undefined) {
        this.#flush()
        this.#sendNow(data)
        return
      }
      if (this.#heldBytes + bytes.byteLength > COALESCE_MAX_BYTES) this.#flush()
      if (bytes.byteLength >= COALESCE_MAX_BYTES) {
        // Alone in its message anyway: straight to the socket, which takes its bytes now.
        this.#sendNow(bytes)
        return
      }
      this.#held.push(bytes.slice())
      this.#heldBytes += bytes.byteLength
      if (!this.#flushQueued) {
        this.#flushQueued = true
        queueMicrotask(() => {
          this.#flushQueued = false
          this.#flush()
        })
      }
    }

    override get bufferedAmount (): number {
      return super.bufferedAmount + this.#heldBytes
    }

    override close (code?: number, reason?: string): void {
      this.#flush()
      super.close(code, reason)
    }

    #flush (): void {
      const parts = this.#held
      if (parts.length === 0) return
      const size = this.#heldBytes
      this.#held = []
      this.#heldBytes = 0
      if (this.readyState !== this.OPEN) return
      let message = parts[0] as Uint8Array<ArrayBuffer>
      if (parts.length > 1) {
        message = new Uint8Array(size)
        let at = 0
        for (const part of parts) { message.set(part, at); at += part.byteLength }
      }
      this.#sendNow(message)
    }

    #sendNow (data: Data): void {
      if (counts !== undefined) counts.messages++
      super.send(data as Parameters<WebSocket['send']>[0])
    }
  }
}

/** The bytes of a binary send (a view over them, not a copy); undefined for text and Blobs. */
function binaryView (data: Data): Uint8Array<ArrayBuffer> | undefined {
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength)
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return undefined
}

/** @libp2p/websockets stops sending at this much buffered and polls every 10 ms until the socket holds nothing. */
const LIBP2P_MAX_BUFFERED_AMOUNT = 4 * 1024 * 1024

/** `webSockets()` dialling with {@link coalescingSocketClass} around `Socket`. */
export function webSocketsWith (Socket: WebSocketClass, init?: WebSocketsInit, counts?: CoalescingCounts): Factory {
  return webSocketsDiallingWith(coalescingSocketClass(Socket, counts) as unknown as typeof globalThis.WebSocket, init)
}

/** `webSockets()` dialling with `Base` counting its sends, each one message: the shipped transport's count. */
export function countingWebSockets (Base: WebSocketClass, counts: CoalescingCounts, init?: WebSocketsInit): Factory {
  const threshold = init?.maxBufferedAmount ?? LIBP2P_MAX_BUFFERED_AMOUNT
  class CountingWebSocket extends Base {
    override send (data: Parameters<WebSocket['send']>[0]): void {
      counts.sends++
      counts.messages++
      super.send(data)
    }

    override get bufferedAmount (): number {
      const amount = super.bufferedAmount
      counts.maxBuffered = Math.max(counts.maxBuffered ?? 0, amount)
      if (amount >= threshold) counts.fullReads = (counts.fullReads ?? 0) + 1
      return amount
    }
  }
  return webSocketsDiallingWith(CountingWebSocket as unknown as typeof globalThis.WebSocket, init)
}
