import type { ErrorPayload } from '../../core/rpc/errors.ts'
import type { CallMessage, FromNodeMessage } from '../../core/rpc/messages.ts'
import type { RpcClientCarrier } from '../../core/rpc/rpc-client.ts'
import { decodeDaemonFrame, encodeFrame } from '../../core/rpc/socket-codec.ts'
import type { PageToDaemonMessage, SocketCallMessage } from '../../core/rpc/socket-messages.ts'
import { PageBlobs } from './page-blobs.ts'

/** The part of a WebSocket the carrier uses (the browser's, or `ws` in tests). */
export interface SocketLike {
  binaryType: string
  readonly readyState: number
  send: (data: Uint8Array<ArrayBuffer>) => void
  close: () => void
  addEventListener: (type: 'open' | 'message' | 'close' | 'error', listener: (ev: unknown) => void) => void
}

/** Whether this window holds the launch's secret: 'refused' (403), 'ok', or 'down' (no answer). */
export type SessionState = 'ok' | 'refused' | 'down'

export interface SocketCarrierInit {
  open: () => SocketLike
  session: () => Promise<SessionState>
  /** Waits before the next attempt; attempt counts from 1 (default: backoff from 250 ms to 10 s). */
  wait?: (attempt: number) => Promise<void>
}

const OPEN = 1
const LINE_DROPPED: ErrorPayload = { code: 'NODE_UNAVAILABLE', message: 'The line to the Cairn desktop app dropped while this was in progress; please try again' }
const DAEMON_DOWN: ErrorPayload = { code: 'NODE_UNAVAILABLE', message: 'The Cairn desktop app is not answering; it may be restarting' }
const NOT_LAUNCHED: ErrorPayload = { code: 'DESKTOP_NOT_LAUNCHED', message: 'This window does not hold the desktop app\'s launch secret' }

/**
 * The page's carrier to the desktop daemon's node (core/rpc/socket-messages.ts):
 * CBOR frames over a loopback WebSocket. Calls made while it connects wait
 * for the line; a call the line loses (it drops before the answer) or that
 * finds no line is answered here with an error result (core/rpc/rpc-client.ts).
 * It reconnects with backoff; a window whose cookie does not hold this
 * launch's secret (opened by hand, or the daemon restarted) gets
 * DESKTOP_NOT_LAUNCHED for every call and stops trying.
 */
export function socketCarrier (init: SocketCarrierInit): RpcClientCarrier {
  const listeners = new Set<(message: FromNodeMessage) => void>()
  /** Sent, not answered yet. */
  const inFlight = new Set<string>()
  /** Posted while connecting: sent once the line opens. */
  let queued: CallMessage[] = []
  let socket: SocketLike | undefined
  let state: 'connecting' | 'open' | 'down' | 'refused' = 'connecting'
  const wait = init.wait ?? backoff

  const deliver = (message: FromNodeMessage): void => { for (const listener of listeners) listener(message) }
  const fail = (id: string, error: ErrorPayload): void => { deliver({ kind: 'result', id, ok: false, error }) }
  const send = (message: PageToDaemonMessage): void => {
    // cborg encodes into a fresh ArrayBuffer, never a shared one.
    if (socket?.readyState === OPEN) socket.send(encodeFrame(message) as Uint8Array<ArrayBuffer>)
  }
  const blobs = new PageBlobs(send)

  const sendCall = (message: CallMessage): void => {
    inFlight.add(message.id)
    let wire: SocketCallMessage = message as SocketCallMessage
    if (message.method === 'files.add') {
      const { file, ...rest } = (message as CallMessage<'files.add'>).args
      wire = { kind: 'call', id: message.id, method: 'files.add', args: { ...rest, file: blobs.add(message.id, file) } }
    }
    send(wire)
  }

  const receive = (data: unknown): void => {
    if (!(data instanceof ArrayBuffer)) return
    let message
    try {
      message = decodeDaemonFrame(new Uint8Array(data))
    } catch {
      // Not our daemon's protocol: drop the line (its 'close' answers what waits).
      socket?.close()
      return
    }
    if (message.kind === 'blob-pull') { void blobs.pull(message); return }
    if (message.kind === 'blob-cancel') { blobs.cancel(message); return }
    if (message.kind === 'result') {
      inFlight.delete(message.id)
      blobs.release(message.id)
    }
    deliver(message)
  }

  const connect = (attempt: number): void => {
    state = 'connecting'
    const line = init.open()
    socket = line
    line.binaryType = 'arraybuffer'
    let opened = false
    line.addEventListener('open', () => {
      opened = true
      state = 'open'
      const waiting = queued
      queued = []
      for (const message of waiting) sendCall(message)
    })
    // A refused or broken line reports 'error' and then 'close'; 'close' handles both.
    line.addEventListener('error', () => {})
    line.addEventListener('message', (ev) => { receive(typeof ev === 'object' && ev !== null && 'data' in ev ? ev.data : undefined) })
    line.addEventListener('close', () => {
      if (socket !== line) return
      socket = undefined
      // Until the daemon says why, calls wait for the next line.
      state = 'connecting'
      blobs.clear()
      for (const id of inFlight) fail(id, LINE_DROPPED)
      inFlight.clear()
      void afterClose(opened ? 1 : attempt + 1)
    })
  }

  /** The line is gone: find out why, answer what waits, and try again unless this window is not launched. */
  const afterClose = async (attempt: number): Promise<void> => {
    const session = await init.session()
    state = session === 'refused' ? 'refused' : 'down'
    const waiting = queued
    queued = []
    for (const message of waiting) fail(message.id, state === 'refused' ? NOT_LAUNCHED : DAEMON_DOWN)
    if (state === 'refused') return
    await wait(attempt)
    connect(attempt)
  }

  connect(1)

  return {
    post: (message) => {
      if (state === 'open') sendCall(message)
      else if (state === 'connecting') queued.push(message)
      else fail(message.id, state === 'refused' ? NOT_LAUNCHED : DAEMON_DOWN)
    },
    listen: (listener) => {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    }
  }
}

async function backoff (attempt: number): Promise<void> {
  const ms = Math.min(10_000, 250 * 2 ** Math.min(attempt - 1, 6))
  await new Promise<void>((resolve) => { setTimeout(resolve, ms) })
}
