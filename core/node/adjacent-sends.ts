import { Uint8ArrayList } from 'uint8arraylist'
import { wrapConnections, type WebSocketsFactory } from './connection-sends.ts'
import type { MultiaddrConnection } from '@libp2p/interface'

/** A short piece (Noise's 2-byte length) is merged with the next only when at most this long: the check stays a few byte compares. */
const MAX_PREFIX_BYTES = 8

/**
 * Whether `piece`'s bytes sit right before `next` in `next`'s own buffer:
 * either the same memory (adjacent views) or equal bytes there (Noise's
 * length, which the browser's cipher also writes before each frame it seals,
 * sodium-scratch.ts). Either way a view over both is byte for byte the two
 * pieces one after the other.
 */
function sitsBefore (piece: Uint8Array, next: Uint8Array): boolean {
  const length = piece.byteLength
  if (length === 0 || next.byteOffset < length) return false
  if (piece.buffer === next.buffer && piece.byteOffset + length === next.byteOffset) return true
  if (length > MAX_PREFIX_BYTES) return false
  const before = new Uint8Array(next.buffer, next.byteOffset - length, length)
  for (let i = 0; i < length; i++) if (before[i] !== piece[i]) return false
  return true
}

/**
 * `data`'s pieces, each that {@link sitsBefore} the next merged with it into
 * one view of the next's buffer: no byte copied. Undefined when nothing
 * merged (send `data` as it is).
 */
export function mergeAdjacent (data: Iterable<Uint8Array>): Uint8Array[] | undefined {
  const out: Uint8Array[] = []
  let merged = false
  for (const piece of data) {
    const last = out.at(-1)
    if (last !== undefined && sitsBefore(last, piece)) {
      out[out.length - 1] = new Uint8Array(piece.buffer, piece.byteOffset - last.byteLength, last.byteLength + piece.byteLength)
      merged = true
    } else {
      out.push(piece)
    }
  }
  return merged ? out : undefined
}

interface PieceSender { sendData: (data: Uint8ArrayList) => unknown }

/**
 * Makes `maConn` send each Noise frame's length and ciphertext as one
 * WebSocket message where the cipher left them side by side. libp2p's
 * WebSocket connection sends every piece as its own message, so a browser
 * node sent two per Noise frame, one of them 2 bytes: twice the
 * `WebSocket.send` calls (the largest item in the worker's profile) and
 * twice the messages for the other end. Nothing is copied or held back.
 */
export function sendAdjacent (maConn: MultiaddrConnection): MultiaddrConnection {
  const conn = maConn as unknown as PieceSender
  const send = conn.sendData.bind(maConn)
  conn.sendData = (data) => {
    const merged = mergeAdjacent(data)
    return send(merged === undefined ? data : new Uint8ArrayList(...merged))
  }
  return maConn
}

/** The browser's WebSocket transport, its connections sending with {@link sendAdjacent}. */
export function withAdjacentSends (factory: WebSocketsFactory): WebSocketsFactory {
  return wrapConnections(factory, sendAdjacent)
}
