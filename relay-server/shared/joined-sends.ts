import { Uint8ArrayList } from 'uint8arraylist'
import type { MultiaddrConnection } from '@libp2p/interface'
import type { Factory } from './websockets-dialling.ts'

/** Pieces are joined into WebSocket messages of up to this many bytes (a bigger piece goes alone). */
export const JOINED_MESSAGE_BYTES = 256 * 1024

/** What the transport's connection (`websocket-to-conn`) sends with: one WebSocket message per piece of the list. */
interface PieceSender { sendData: (data: Uint8ArrayList) => unknown }

/**
 * `data`'s pieces, runs of consecutive small ones joined into one piece of
 * up to `max` bytes; `data` itself when there is nothing to join. Same bytes,
 * same order.
 */
export function joinPieces (data: Uint8ArrayList, max = JOINED_MESSAGE_BYTES): Uint8ArrayList {
  const pieces = [...data]
  if (pieces.length < 2) return data
  const out = new Uint8ArrayList()
  let run: Uint8Array[] = []
  let runBytes = 0
  const flush = (): void => {
    if (run.length === 1) out.append(run[0] as Uint8Array)
    else if (run.length > 1) {
      const joined = new Uint8Array(runBytes)
      let at = 0
      for (const piece of run) { joined.set(piece, at); at += piece.byteLength }
      out.append(joined)
    }
    run = []
    runBytes = 0
  }
  for (const piece of pieces) {
    if (runBytes + piece.byteLength > max) flush()
    run.push(piece)
    runBytes += piece.byteLength
  }
  flush()
  return out
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
 */
export function sendJoined (maConn: MultiaddrConnection, max = JOINED_MESSAGE_BYTES): MultiaddrConnection {
  const conn = maConn as unknown as PieceSender
  const send = conn.sendData.bind(maConn)
  conn.sendData = (data) => send(joinPieces(data, max))
  return maConn
}

interface Upgrader {
  upgradeOutbound: (maConn: MultiaddrConnection, opts: unknown) => Promise<unknown>
  upgradeInbound: (maConn: MultiaddrConnection, opts: unknown) => Promise<unknown>
}
interface JoinableTransport {
  dial: (ma: unknown, options: { upgrader: Upgrader }) => Promise<unknown>
  createListener: (options: { upgrader: Upgrader }) => unknown
}

/** `upgrader`, its connections made to send joined pieces first. */
function joiningUpgrader (upgrader: Upgrader): Upgrader {
  return new Proxy(upgrader, {
    get (target, prop, receiver) {
      if (prop === 'upgradeOutbound' || prop === 'upgradeInbound') {
        return async (maConn: MultiaddrConnection, opts: unknown) => await target[prop](sendJoined(maConn), opts)
      }
      const value = Reflect.get(target, prop, receiver) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}

/**
 * The transport made by `factory`, every connection it dials or accepts
 * sending joined pieces ({@link sendJoined}): the transport hands each new
 * connection to the upgrader, which is where it is wrapped.
 */
export function withJoinedSends (factory: Factory): Factory {
  return (components) => {
    const made = factory(components)
    const transport = made as unknown as JoinableTransport
    const dial = transport.dial.bind(transport)
    const createListener = transport.createListener.bind(transport)
    transport.dial = async (ma, options) => await dial(ma, { ...options, upgrader: joiningUpgrader(options.upgrader) })
    transport.createListener = (options) => createListener({ ...options, upgrader: joiningUpgrader(options.upgrader) })
    return made
  }
}
