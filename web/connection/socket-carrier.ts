import type { ErrorPayload } from '../../core/rpc/errors.ts'
import type { CallMessage, FromNodeMessage } from '../../core/rpc/messages.ts'
import type { RpcClientCarrier } from '../../core/rpc/rpc-client.ts'
import { decodeDaemonFrame, encodeFrame } from '../../core/rpc/socket-codec.ts'
import { checkProof, newChallenge } from '../../core/rpc/socket-proof.ts'
import type { DaemonToPageMessage, PageToDaemonMessage, SocketCallMessage } from '../../core/rpc/socket-messages.ts'
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
  /** Opens a socket to the daemon whose URL carries `challenge` (core/rpc/socket-messages.ts CHALLENGE_PARAM). */
  open: (challenge: string) => SocketLike
  /** The daemon's public key from the page it served (hex; undefined if the page has none: then no socket is trusted). */
  daemonKey: string | undefined
  session: () => Promise<SessionState>
  /** Waits before the next attempt; attempt counts from 1 (default: backoff from 250 ms to 10 s). */
  wait?: (attempt: number) => Promise<void>
  /** How long a new socket has to prove itself before it is dropped (default PROOF_WAIT_MS). */
  proofWaitMs?: number
}

/**
 * How long a socket may take to send the daemon's proof. The daemon sends it
 * as the socket opens, so on loopback this is ample; what stays silent longer
 * (a stranger on the port, a wedged process) must not hold the window's calls.
 */
export const PROOF_WAIT_MS = 10_000

const OPEN = 1
const LINE_DROPPED: ErrorPayload = { code: 'NODE_UNAVAILABLE', message: 'The line to the Cairn desktop app dropped while this was in progress; please try again' }
const DAEMON_DOWN: ErrorPayload = { code: 'NODE_UNAVAILABLE', message: 'The Cairn desktop app is not answering; it may be restarting' }
const NOT_LAUNCHED: ErrorPayload = { code: 'DESKTOP_NOT_LAUNCHED', message: 'This window does not hold the desktop app\'s launch secret' }
const NOT_OUR_DAEMON: ErrorPayload = { code: 'DESKTOP_NOT_LAUNCHED', message: 'What answers at this window\'s address is not the Cairn desktop app that opened it' }

/**
 * The page's carrier to the desktop daemon's node (core/rpc/socket-messages.ts):
 * CBOR frames over a loopback WebSocket. Calls made while it connects wait
 * for the line; a call the line loses (it drops before the answer) or that
 * finds no line is answered here with an error result (core/rpc/rpc-client.ts).
 * It reconnects with backoff; a window whose cookie does not hold this
 * launch's secret (opened by hand, or the daemon restarted) gets
 * DESKTOP_NOT_LAUNCHED for every call and stops trying.
 *
 * It sends nothing on a socket, not even a call queued before, until the
 * socket's first frame proves it reaches the daemon that served this page:
 * a signature over this socket's fresh challenge under the key in the page
 * (core/rpc/socket-proof.ts says why a cookie or a remembered id would not
 * do). The port is fixed, and once the daemon is gone any local account may
 * take it; a socket whose first frame is anything else is closed unused, and
 * the window, like one whose daemon restarted, gets DESKTOP_NOT_LAUNCHED and
 * stops trying, so the user opens Cairn again from its tray.
 */
export function socketCarrier (init: SocketCarrierInit): RpcClientCarrier {
  const listeners = new Set<(message: FromNodeMessage) => void>()
  /** Sent, not answered yet. */
  const inFlight = new Set<string>()
  /** Posted while connecting: sent once the line opens. */
  let queued: CallMessage[] = []
  let socket: SocketLike | undefined
  /** What a call gets once the state is 'refused'. */
  let refusal = NOT_LAUNCHED
  /** 'connecting' lasts until the socket has proven itself; only 'open' sends. */
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

  /** Decodes a frame; undefined (and the line dropped: its 'close' answers what waits) for one that is not our protocol. */
  const decode = (line: SocketLike, data: unknown): DaemonToPageMessage | undefined => {
    try {
      if (!(data instanceof ArrayBuffer)) throw new TypeError('a text frame')
      return decodeDaemonFrame(new Uint8Array(data))
    } catch {
      line.close()
      return undefined
    }
  }

  const receive = (message: DaemonToPageMessage): void => {
    if (message.kind === 'daemon-proof') return
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
    const challenge = newChallenge()
    const line = init.open(challenge)
    socket = line
    line.binaryType = 'arraybuffer'
    /** Whether the socket's first frame was the daemon's proof for `challenge`; nothing is sent before. */
    let proven = false
    // A socket silent too long is dropped unused and treated as a line that closed
    // (at once: a stranger's socket may never report its close).
    const silence = setTimeout(() => {
      if (socket !== line || proven) return
      socket = undefined
      line.close()
      void afterClose(attempt + 1)
    }, init.proofWaitMs ?? PROOF_WAIT_MS)
    // A refused or broken line reports 'error' and then 'close'; 'close' handles both.
    line.addEventListener('error', () => {})
    line.addEventListener('message', (ev) => {
      if (socket !== line) return
      const message = decode(line, typeof ev === 'object' && ev !== null && 'data' in ev ? ev.data : undefined)
      if (proven) { if (message !== undefined) receive(message); return }
      if (message?.kind !== 'daemon-proof' || !checkProof(init.daemonKey, challenge, message.signature)) {
        // Something else holds the daemon's address. It got nothing from this socket;
        // leave it at once (no waiting for its close, no asking its /rpc/session) and stop.
        socket = undefined
        line.close()
        refuse(NOT_OUR_DAEMON)
        return
      }
      proven = true
      clearTimeout(silence)
      state = 'open'
      const waiting = queued
      queued = []
      for (const call of waiting) sendCall(call)
    })
    line.addEventListener('close', () => {
      clearTimeout(silence)
      if (socket !== line) return
      socket = undefined
      // Until the daemon says why, calls wait for the next line.
      state = 'connecting'
      blobs.clear()
      for (const id of inFlight) fail(id, LINE_DROPPED)
      inFlight.clear()
      void afterClose(proven ? 1 : attempt + 1)
    })
  }

  /** This window can no longer reach its daemon: every call waiting or to come fails with `error`, and it stops trying. */
  const refuse = (error: ErrorPayload): void => {
    state = 'refused'
    refusal = error
    const waiting = queued
    queued = []
    for (const message of waiting) fail(message.id, error)
  }

  /** The line is gone: find out why, answer what waits, and try again unless this window is not launched. */
  const afterClose = async (attempt: number): Promise<void> => {
    const session = await init.session()
    if (session === 'refused') { refuse(NOT_LAUNCHED); return }
    state = 'down'
    const waiting = queued
    queued = []
    for (const message of waiting) fail(message.id, DAEMON_DOWN)
    await wait(attempt)
    connect(attempt)
  }

  connect(1)

  return {
    post: (message) => {
      if (state === 'open') sendCall(message)
      else if (state === 'connecting') queued.push(message)
      else fail(message.id, state === 'refused' ? refusal : DAEMON_DOWN)
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
