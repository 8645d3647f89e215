import type { ErrorPayload } from '../errors.ts'
import type { AddFileArgs } from './api-files.ts'
import type { MethodName } from './api.ts'
import type { CallMessage, FromNodeMessage } from './messages.ts'

/**
 * What crosses the desktop app's loopback WebSocket between the page and the
 * daemon's node (DESIGN §10), one CBOR frame per message (socket-codec.ts).
 * Calls, results and events are the MessagePort ones (messages.ts); what
 * structured clone carried and a socket cannot is replaced here:
 *
 * - `files.add`'s File becomes a SocketFileDescriptor; the daemon pulls its
 *   bytes (`blob-pull`), the page answers one `blob-chunk` (≤ BLOB_CHUNK_BYTES),
 *   `blob-end` or `blob-error` per pull, so the page never sends more than asked.
 *   The vault may read one file more than once at a time (the dedup tag and
 *   the store), so each read has its own `readId`.
 * - Every other method's arguments, results and events are plain data that
 *   CBOR carries as is (Uint8Array and undefined included); no Map, Set, Date,
 *   Blob or MessagePort appears in core/rpc/api*.ts today.
 * - Streamed downloads (`stream-file` with a MessagePort) are HTTP GETs of the
 *   same `/download/…` URLs (service-worker-urls.ts), answered by the daemon.
 * - Every socket starts with the daemon's `daemon-proof`: its signature over
 *   the challenge in the socket's URL, checked against the key in the page's
 *   meta tag (socket-proof.ts). The page sends nothing before it checks out.
 */

/** The WebSocket's path on the daemon's origin. */
export const SOCKET_PATH = '/rpc'
/** GET answers 204 when the page's cookie and window key hold this launch's secret, 403 otherwise (the page tells "not launched" from "daemon down"). */
export const SESSION_PATH = '/rpc/session'
/** `<meta name="cairn-host" content="desktop">`: the daemon injects it into index.html. */
export const HOST_META_NAME = 'cairn-host'
export const DESKTOP_HOST = 'desktop'
/** `<meta name="cairn-daemon-key" content="HEX">`: the daemon's per-launch public key (socket-proof.ts), injected into index.html. */
export const DAEMON_KEY_META_NAME = 'cairn-daemon-key'
/** The query parameter of the socket URL: the page's fresh challenge for this socket (socket-proof.ts). */
export const CHALLENGE_PARAM = 'challenge'
/** The query parameter of the one-time launch URL. */
export const LAUNCH_PARAM = 'launch'
/**
 * The launch's window key, which the page keeps in its origin's storage and
 * sends beside the cookie: a browser sends a 127.0.0.1 cookie to every port
 * of 127.0.0.1, so in the system browser any local program listening on
 * another port could collect the cookie; storage is kept per port.
 * The launch redirect hands it in the fragment (`#window-key=…`), never sent
 * to a server; the socket URL carries it in this query parameter, and
 * SESSION_PATH in the header below.
 */
export const WINDOW_KEY_PARAM = 'key'
export const WINDOW_KEY_FRAGMENT = 'window-key'
export const WINDOW_KEY_HEADER = 'x-cairn-window-key'
/** The most bytes one `blob-chunk` carries. */
export const BLOB_CHUNK_BYTES = 1024 * 1024

/** A page's File as the socket names it; the daemon pulls the bytes. */
export interface SocketFileDescriptor {
  blobId: string
  name: string
  size: number
  type: string
  lastModified: number
}

export interface SocketAddFileCall {
  kind: 'call'
  id: string
  method: 'files.add'
  args: Omit<AddFileArgs, 'file'> & { file: SocketFileDescriptor }
}

/** A call as it crosses the socket: `files.add`'s File replaced by its descriptor. */
export type SocketCallMessage = CallOf<Exclude<MethodName, 'files.add'>> | SocketAddFileCall

/** One CallMessage per method (distributes over the union), so `method` narrows `args`. */
type CallOf<M extends MethodName> = M extends MethodName ? CallMessage<M> : never

/** From the daemon: send the next chunk of read `readId` of blob `blobId` (the first pull starts the read). */
export interface BlobPullMessage { kind: 'blob-pull', blobId: string, readId: number }
/** From the daemon: the vault stopped reading; drop the read. */
export interface BlobCancelMessage { kind: 'blob-cancel', blobId: string, readId: number }

/** From the daemon, the first frame on every socket: its signature over the socket's challenge (socket-proof.ts). */
export interface DaemonProofMessage { kind: 'daemon-proof', signature: Uint8Array }

export type BlobReplyMessage =
  | { kind: 'blob-chunk', blobId: string, readId: number, bytes: Uint8Array }
  | { kind: 'blob-end', blobId: string, readId: number }
  | { kind: 'blob-error', blobId: string, readId: number, error: ErrorPayload }

export type PageToDaemonMessage = SocketCallMessage | BlobReplyMessage
export type DaemonToPageMessage = FromNodeMessage | BlobPullMessage | BlobCancelMessage | DaemonProofMessage
