import { createHash } from 'node:crypto'
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fromErrorPayload, isCairnError, PeerUnreachableError, StorageFailedError, toErrorPayload, type ErrorPayload } from '../../core/errors.ts'
import { CONTROL_DIR_NAME, CONTROL_SOCKET_NAME } from './constants.ts'
import { listenOnPath } from '../shared/tcp-ports.ts'

/**
 * The running peer's local control socket: how `cairn-peer pair` and
 * `cairn-peer status` reach the process that owns a data directory.
 *
 * A Unix domain socket at `DATA_DIR/control/control.sock`, in a directory
 * of mode 0700 made by the peer (so only the user running the peer may even
 * reach the socket, from the moment it is bound; the socket itself is 0600
 * too), or a named pipe on Windows. One request per connection, one JSON line each way:
 * `{"command":"pair"}` → `{"ok":true,"result":…}` or
 * `{"ok":false,"error":{"code","message"}}`.
 *
 * Binding the socket doubles as the data directory's lock: a second peer on
 * the same directory finds it answering and refuses to start, while a socket
 * file left by a killed peer answers nothing and is replaced.
 */

/** Commands the control socket answers, and what each returns. */
export type ControlHandlers = Record<string, () => Promise<unknown>>

/** Longest request or response line accepted (a status of many vaults fits easily). */
const MAX_LINE_BYTES = 4 * 2 ** 20
/** A client that says nothing for this long is dropped. */
const IDLE_MS = 10_000
/** sun_path holds 104–108 bytes depending on the system; stay below the smallest. */
const MAX_SOCKET_PATH = 100

/**
 * Where the control socket of `dataDir` lives: in its `control/` directory,
 * or (when that path is too long for a Unix socket, or on Windows) at a name
 * made from the user and a hash of the directory's absolute path, so server
 * and client agree on it.
 */
export function controlSocketPath (dataDir: string): string {
  const absolute = resolve(dataDir)
  const tag = createHash('sha256').update(absolute).digest('hex').slice(0, 16)
  if (process.platform === 'win32') return `\\\\?\\pipe\\cairn-peer-${tag}`
  const inside = join(absolute, CONTROL_DIR_NAME, CONTROL_SOCKET_NAME)
  const user = process.getuid?.() ?? 0
  return Buffer.byteLength(inside) <= MAX_SOCKET_PATH ? inside : join(tmpdir(), `cairn-peer-${user}-${tag}`, CONTROL_SOCKET_NAME)
}

/**
 * Makes `dir` (if needed) so that only this user can open it: mode 0700,
 * owned by us. A directory someone else owns (made in a shared /tmp by
 * another user, say) is refused rather than trusted.
 */
export function privateDirectory (dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const stat = lstatSync(dir)
  if (!stat.isDirectory()) throw new StorageFailedError(`${dir} should be the control socket's directory but is not a directory`)
  const user = process.getuid?.()
  if (user !== undefined && stat.uid !== user) throw new StorageFailedError(`${dir} belongs to another user, so the control socket cannot be made private there`)
  if ((stat.mode & 0o777) !== 0o700) chmodSync(dir, 0o700)
}

/** A listening control socket; `handlers` may be replaced once the peer is up. */
export class ControlServer {
  handlers: ControlHandlers = {}

  private constructor (private readonly server: Server, readonly path: string) {}

  /**
   * Binds the control socket at `path`. Throws STORAGE_FAILED when another
   * peer is already serving it (the data directory is in use).
   */
  static async listen (path: string): Promise<ControlServer> {
    // The directory first: the socket is never reachable by anyone else, not even between bind and chmod.
    if (process.platform !== 'win32') privateDirectory(dirname(path))
    const server = createServer()
    const control = new ControlServer(server, path)
    server.on('connection', (socket) => { control.serve(socket) })
    try {
      await listenOnPath(server, path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
      if (await answers(path)) {
        throw new StorageFailedError(`Another cairn-peer is running on this data directory (its control socket ${path} answers); stop it first or use another --data-dir`)
      }
      // Left behind by a peer that was killed: nobody listens on it.
      unlinkSync(path)
      await listenOnPath(server, path)
    }
    if (process.platform !== 'win32') chmodSync(path, 0o600)
    return control
  }

  /** Stops accepting requests and removes the socket file. */
  async close (): Promise<void> {
    await new Promise<void>((resolve) => { this.server.close(() => { resolve() }) })
  }

  private serve (socket: Socket): void {
    socket.setTimeout(IDLE_MS, () => { socket.destroy() })
    readLine(socket).then(async (line) => {
      let command: unknown
      try {
        command = (JSON.parse(line) as { command?: unknown }).command
      } catch {
        return reply(socket, { ok: false, error: { code: 'CONFIG_INVALID', message: 'The request is not JSON' } })
      }
      const handler = typeof command === 'string' && Object.hasOwn(this.handlers, command) ? this.handlers[command] : undefined
      if (handler === undefined) {
        return reply(socket, { ok: false, error: { code: 'RPC_UNKNOWN_METHOD', message: `Unknown control command ${JSON.stringify(command)}` } })
      }
      try {
        reply(socket, { ok: true, result: await handler() })
      } catch (err) {
        reply(socket, { ok: false, error: toErrorPayload(err) })
      }
    }, () => { socket.destroy() })
  }
}

type Response = { ok: true, result: unknown } | { ok: false, error: ErrorPayload }

/**
 * Sends `command` to the peer running on `dataDir` and returns its result.
 * Throws PEER_UNREACHABLE when no peer runs there, or the peer's own error.
 */
export async function controlRequest (dataDir: string, command: string, timeoutMs = 30_000): Promise<unknown> {
  const path = controlSocketPath(dataDir)
  const socket = createConnection(path)
  socket.setTimeout(timeoutMs, () => { socket.destroy(new PeerUnreachableError(`The peer on ${resolve(dataDir)} did not answer within ${timeoutMs} ms`)) })
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
  } catch (err) {
    socket.destroy()
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ECONNREFUSED') {
      throw new PeerUnreachableError(`No cairn-peer is running on ${resolve(dataDir)} (start one with: cairn-peer --data-dir ${dataDir})`, { cause: err })
    }
    throw new PeerUnreachableError(`Cannot reach the peer's control socket ${path}: ${(err as Error).message}`, { cause: err })
  }
  socket.write(JSON.stringify({ command }) + '\n')
  let response: Response
  try {
    response = JSON.parse(await readLine(socket)) as Response
  } catch (err) {
    if (isCairnError(err)) throw err
    throw new PeerUnreachableError(`The peer's control socket gave no answer (${(err as Error).message})`, { cause: err })
  } finally {
    socket.destroy()
  }
  if (response.ok) return response.result
  throw fromErrorPayload(response.error)
}


/** True when something accepts connections at `path`. */
function answers (path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path)
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => { resolve(false) })
  })
}

function reply (socket: Socket, response: Response): void {
  socket.end(JSON.stringify(response) + '\n')
}

/** The first line the socket sends (without its newline); rejects on close, error or an over-long line. */
function readLine (socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let length = 0
    const done = (err?: Error, line?: string): void => {
      socket.off('data', onData)
      socket.off('end', onEnd)
      socket.off('close', onEnd)
      socket.off('error', onError)
      if (err !== undefined) reject(err)
      else resolve(line as string)
    }
    const onData = (chunk: Buffer): void => {
      const newline = chunk.indexOf(0x0a)
      if (newline !== -1) {
        chunks.push(chunk.subarray(0, newline))
        done(undefined, Buffer.concat(chunks).toString('utf8'))
        return
      }
      chunks.push(chunk)
      length += chunk.length
      if (length > MAX_LINE_BYTES) done(new Error('line too long'))
    }
    const onEnd = (): void => { done(new Error('connection closed before a full line')) }
    const onError = (err: Error): void => { done(err) }
    socket.on('data', onData)
    socket.on('end', onEnd)
    socket.on('close', onEnd)
    socket.on('error', onError)
  })
}
