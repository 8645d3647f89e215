import { concatBytes } from '@noble/hashes/utils.js'
import { Uint8ArrayList } from 'uint8arraylist'
import type { MultiaddrConnection } from '@libp2p/interface'
import { wrapConnections } from '../../core/node/connection-sends.ts'
import type { Factory } from './websockets-dialling.ts'

/** Pieces are joined into WebSocket messages of up to this many bytes (a bigger piece goes alone). */
export const JOINED_MESSAGE_BYTES = 256 * 1024

/** What the transport's connection (`websocket-to-conn`) sends with: one WebSocket message per piece of the list. */
interface PieceSender { sendData: (data: Uint8ArrayList) => unknown, websocket?: unknown }

/** `data`'s pieces in runs: consecutive pieces of up to `max` bytes together (a bigger piece alone). */
function runsOf (data: Uint8ArrayList, max: number): Uint8Array[][] {
  const runs: Uint8Array[][] = []
  let run: Uint8Array[] = []
  let runBytes = 0
  for (const piece of data) {
    if (run.length > 0 && runBytes + piece.byteLength > max) { runs.push(run); run = []; runBytes = 0 }
    run.push(piece)
    runBytes += piece.byteLength
  }
  if (run.length > 0) runs.push(run)
  return runs
}

/** One piece holding `run`'s bytes (a copy unless it is one piece). */
function joinRun (run: Uint8Array[]): Uint8Array {
  return run.length === 1 ? run[0] as Uint8Array : concatBytes(...run)
}

/**
 * `data`'s pieces, runs of consecutive small ones joined into one piece of
 * up to `max` bytes; `data` itself when there is nothing to join. Same bytes,
 * same order.
 */
export function joinPieces (data: Uint8ArrayList, max = JOINED_MESSAGE_BYTES): Uint8ArrayList {
  const runs = runsOf(data, max)
  if (runs.every((run) => run.length === 1)) return data
  const out = new Uint8ArrayList()
  for (const run of runs) out.append(joinRun(run))
  return out
}

/** The parts of a `ws` WebSocket (8.x) a gathered message is written through. */
interface WsSocket {
  readyState: number
  _isServer: boolean
  _socket?: { cork: () => void, uncork: () => void, write: (chunk: Uint8Array) => boolean } | null
  _sender?: { _state: number, _firstFragment: boolean, _generateMask?: (mask: Buffer) => void } | null
  _extensions?: Record<string, unknown>
}

const WS_OPEN = 1
const maskProbe = Buffer.alloc(4)

/**
 * Whether {@link writeGathered} may write to `websocket` now: only where ws
 * would send the payload as it is: a `ws` socket, open, its sender idle
 * (nothing queued, no fragmented message under way), no extension
 * (compression), and no masking (a server's frames, or a client whose
 * masking key is zero: node-websockets.ts).
 */
function gatherable (websocket: unknown): boolean {
  if (typeof websocket !== 'object' || websocket === null) return false
  const ws = websocket as WsSocket
  const sender = ws._sender
  if (ws.readyState !== WS_OPEN || ws._socket == null || sender == null || sender._state !== 0 || !sender._firstFragment) return false
  if (ws._extensions === undefined || Object.keys(ws._extensions).length > 0) return false
  if (ws._isServer) return true
  if (sender._generateMask === undefined) return false
  maskProbe.fill(1)
  sender._generateMask(maskProbe)
  return (maskProbe[0]! | maskProbe[1]! | maskProbe[2]! | maskProbe[3]!) === 0
}

/**
 * Writes `run` as one binary WebSocket message straight to `ws`'s socket (one
 * {@link gatherable} said yes to):
 * its frame header, then every piece, corked into one write, so the pieces
 * are not copied into one buffer first. The frame is byte for byte the one
 * `ws.send(joined)` writes.
 */
function writeGathered (websocket: unknown, run: Uint8Array[]): void {
  const ws = websocket as WsSocket
  const socket = ws._socket as NonNullable<WsSocket['_socket']>
  const masked = !ws._isServer
  let length = 0
  for (const piece of run) length += piece.byteLength
  const lengthBytes = length >= 65536 ? 8 : length > 125 ? 2 : 0
  const header = Buffer.alloc(2 + lengthBytes + (masked ? 4 : 0)) // a zero masking key, when masked
  header[0] = 0x82 // FIN, binary
  header[1] = (masked ? 0x80 : 0) | (lengthBytes === 8 ? 127 : lengthBytes === 2 ? 126 : length)
  if (lengthBytes === 2) header.writeUInt16BE(length, 2)
  else if (lengthBytes === 8) header.writeUIntBE(length, 4, 6)
  socket.cork()
  socket.write(header)
  for (const piece of run) socket.write(piece)
  socket.uncork()
}

/**
 * Makes `maConn` send each `sendData` call's pieces as few WebSocket
 * messages (see {@link joinPieces}). libp2p's WebSocket connection sends
 * every piece as its own message: each Noise frame's 2-byte length apart
 * from its ciphertext, yamux headers apart from their data; about four
 * messages in five were under 1 KiB (tests/bench/README.md, "Replication
 * speed"), and each costs a frame, a socket write and, on the other end, a
 * message event through ws and libp2p. Unlike the bench's earlier
 * prototype (which held sends until a microtask), this joins within the
 * one synchronous call: nothing is held back, `bufferedAmount` and
 * back-pressure see exactly what they did, and order is the call's.
 * Over a `ws` socket a run of pieces is written as one message without
 * joining them ({@link writeGathered}): joining copied every byte sent
 * once more (tests/bench/README.md, "Sends without the join copy").
 */
export function sendJoined (maConn: MultiaddrConnection, max = JOINED_MESSAGE_BYTES): MultiaddrConnection {
  const conn = maConn as unknown as PieceSender
  const send = conn.sendData.bind(maConn)
  conn.sendData = (data) => {
    const runs = runsOf(data, max)
    if (runs.every((run) => run.length === 1)) return send(data)
    let pending = new Uint8ArrayList()
    for (const run of runs) {
      if (run.length > 1 && gatherable(conn.websocket)) {
        // What is pending goes first: the socket's order is the call's.
        if (pending.byteLength > 0) { send(pending); pending = new Uint8ArrayList() }
        writeGathered(conn.websocket, run)
      } else {
        pending.append(joinRun(run))
      }
    }
    // Last (even with nothing left): its answer says whether the socket takes more, and starts the drain check if not.
    const sent = send(pending) as { sentBytes: number, canSendMore: boolean }
    return { ...sent, sentBytes: data.byteLength }
  }
  return maConn
}

/**
 * The transport made by `factory`, every connection it dials or accepts
 * sending joined pieces ({@link sendJoined}).
 */
export function withJoinedSends (factory: Factory): Factory {
  return wrapConnections(factory, (maConn) => sendJoined(maConn))
}
