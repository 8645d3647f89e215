import { createHash } from 'node:crypto'
import { chmodSync, lstatSync, mkdirSync, rmSync } from 'node:fs'
import { createConnection, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { StorageFailedError } from '../core/errors.ts'
import { INSTANCE_SOCKET_NAME, PROGRAM_NAME } from './constants.ts'
import { listenOnPath } from '../relay-server/shared/tcp-ports.ts'

/**
 * One desktop app per data folder. The first instance listens on a local
 * socket (a Unix socket in the data folder, a named pipe on Windows); a
 * second launch connects, asks the first to open its window, and exits.
 * A socket file left by a crashed instance refuses connections; it is
 * replaced. The protocol is one line each way: `open` or `ping`, then `ok`.
 */

/** What a second launch asks of the first. */
export type InstanceRequest = 'open' | 'ping'

/** sun_path holds 104–108 bytes depending on the system; stay below the smallest. */
const MAX_SOCKET_PATH = 100
/** A connection that says nothing for this long is dropped. */
const IDLE_MS = 5_000
/** How long a second launch waits for the first to answer. */
const ASK_TIMEOUT_MS = 10_000

/**
 * The socket of `dataDir`: `<dataDir>/desktop.sock`, or (when that path is
 * too long for a Unix socket) a name made from a hash of the folder in a
 * folder of this user's alone: `$XDG_RUNTIME_DIR`, else
 * `<tmp>/cairn-desktop-<uid>` (a name right in the shared temp folder could
 * be taken first by another user, who would then answer for us);
 * `\\.\pipe\cairn-desktop-<hash>` on Windows.
 */
export function instanceSocketPath (dataDir: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const absolute = resolve(dataDir)
  const tag = createHash('sha256').update(absolute).digest('hex').slice(0, 16)
  if (platform === 'win32') return `\\\\.\\pipe\\${PROGRAM_NAME}-${tag}`
  const inside = join(absolute, INSTANCE_SOCKET_NAME)
  if (Buffer.byteLength(inside) <= MAX_SOCKET_PATH) return inside
  const runtime = env.XDG_RUNTIME_DIR
  const folder = runtime !== undefined && runtime !== '' && Buffer.byteLength(runtime) < MAX_SOCKET_PATH - 40 ? runtime : join(tmpdir(), `${PROGRAM_NAME}-${process.getuid?.() ?? 0}`)
  return join(folder, `${PROGRAM_NAME}-${tag}.sock`)
}

/** Makes the socket's folder outside the data folder this user's alone, or refuses one that is not (another user's, or a link). */
function ownSocketFolder (folder: string): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 })
  const info = lstatSync(folder)
  if (!info.isDirectory() || info.uid !== process.getuid?.() || (info.mode & 0o077) !== 0) {
    throw new StorageFailedError(`${folder} is not a folder of this user's alone, so ${PROGRAM_NAME} will not put its socket there; remove it or use a shorter --data-dir`)
  }
}

/** The first instance's side: it answers later launches until closed. */
export interface PrimaryInstance {
  path: string
  close: () => Promise<void>
}

export type ClaimResult =
  | { primary: true, instance: PrimaryInstance }
  /** Another instance runs on this data folder and has been given the request. */
  | { primary: false }

export interface ClaimInit {
  /** Called in the first instance when a later launch asks for the window. */
  onOpen: () => void
  /** What this launch asks of a running instance: `open` (default) or just `ping`. */
  request?: InstanceRequest
}

/**
 * Becomes the data folder's one instance, or, when another already runs,
 * hands it `init.request` and returns `{ primary: false }`.
 */
export async function claimInstance (dataDir: string, init: ClaimInit): Promise<ClaimResult> {
  const path = instanceSocketPath(dataDir)
  if (process.platform !== 'win32') {
    mkdirSync(resolve(dataDir), { recursive: true, mode: 0o700 })
    if (dirname(path) !== resolve(dataDir)) ownSocketFolder(dirname(path))
  }
  const server = createServer((socket) => { serve(socket, init.onOpen) })
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await listenOnPath(server, path)
      if (process.platform !== 'win32') chmodSync(path, 0o600)
      return { primary: true, instance: { path, close: async () => { await new Promise<void>((done) => { server.close(() => { done() }) }) } } }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
    }
    const asked = fileId(path)
    const answer = await ask(path, init.request ?? 'open')
    if (answer === 'ok') return { primary: false }
    // Nobody listens: the socket file of a crashed instance. (A named pipe vanishes with its process.)
    // Removed only if it is still the file that refused: a launch started at the same moment may have
    // replaced it meanwhile with its own live socket, which must stay (else both run on one vault).
    if (answer === 'refused' && process.platform !== 'win32' && asked !== undefined && fileId(path) === asked) rmSync(path, { force: true })
  }
  throw new StorageFailedError(`Another ${PROGRAM_NAME} holds ${path} but does not answer; stop it, or remove that file if no ${PROGRAM_NAME} runs`)
}

/** Which file is at `path`, or undefined when none is. The change time tells a new file from an old one whose inode number it reuses. */
function fileId (path: string): string | undefined {
  try {
    const info = lstatSync(path, { bigint: true })
    return `${info.dev}:${info.ino}:${info.ctimeNs}`
  } catch {
    return undefined
  }
}

function serve (socket: Socket, onOpen: () => void): void {
  socket.setTimeout(IDLE_MS, () => { socket.destroy() })
  socket.on('error', () => { socket.destroy() })
  let text = ''
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk
    const newline = text.indexOf('\n')
    if (newline === -1) {
      if (text.length > 64) socket.destroy()
      return
    }
    const request = text.slice(0, newline).trim()
    if (request !== 'open' && request !== 'ping') { socket.destroy(); return }
    socket.end('ok\n')
    if (request === 'open') onOpen()
  })
}

/** Sends `request` to `path`: 'ok' when answered, 'refused' when nobody listens, 'silent' when something holds it but does not answer. */
async function ask (path: string, request: InstanceRequest): Promise<'ok' | 'refused' | 'silent'> {
  return await new Promise((resolve) => {
    const socket = createConnection(path)
    let text = ''
    const finish = (answer: 'ok' | 'refused' | 'silent'): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(answer)
    }
    const timer = setTimeout(() => { finish('silent') }, ASK_TIMEOUT_MS)
    socket.once('connect', () => { socket.write(`${request}\n`) })
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk
      if (text.includes('\n')) finish(text.trim() === 'ok' ? 'ok' : 'silent')
    })
    socket.once('error', (err: NodeJS.ErrnoException) => {
      finish(err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ? 'refused' : 'silent')
    })
    socket.once('close', () => { finish(text.trim() === 'ok' ? 'ok' : 'silent') })
  })
}

