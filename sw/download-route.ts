/// <reference lib="webworker" />
import type { DownloadOpen, DownloadPortMessage, ShareDownloadOpen, ZipDownloadOpen } from '../core/rpc/download-messages.ts'
import { dispositionOfDownloadUrl, fileIdOfDownloadPath, tokenOfShareDownloadPath, versionOfDownloadUrl } from '../core/rpc/service-worker-urls.ts'
import { leaderClient } from './node-port-route.ts'
import { shareClient } from './share-token-route.ts'
import type { FileStreamRequest } from '../core/rpc/file-stream-protocol.ts'
import { errorPage } from './error-page.ts'
import { fileResponseHeaders } from '../core/rpc/file-response-headers.ts'
import { ACCEPT_RANGES, chooseRange, isStrongTag, partHeaders, unsatisfiableHeaders } from '../core/rpc/http-ranges.ts'
import { streamStarted } from './streams-underway.ts'
import { portReplies } from './stream-replies.ts'

declare const self: ServiceWorkerGlobalScope

/** How long to wait for a tab that runs the node to answer. */
const OPEN_TIMEOUT_MS = 10_000

const waitingForPort = new Map<string, (port: MessagePort) => void>()

/** Called when the leader tab hands over the port for a download it was asked to open. */
export function acceptDownloadPort (message: DownloadPortMessage): void {
  const resolve = waitingForPort.get(message.requestId)
  if (resolve === undefined) { message.port.close(); return }
  waitingForPort.delete(message.requestId)
  resolve(message.port)
}

type OpenRequest = Omit<DownloadOpen, 'requestId'> | Omit<ShareDownloadOpen, 'requestId'> | Omit<ZipDownloadOpen, 'requestId'>

/** A download's port, and the tab whose worker holds its other end. */
export interface OpenedPort { port: MessagePort, servedBy: string }

/** Asks the one tab that can stream the file (core/rpc/download-messages.ts) and waits for its port. */
export async function openPort (open: OpenRequest): Promise<OpenedPort | undefined> {
  const target = open.kind === 'share-download-open' ? await shareClient(open.token) : await leaderClient()
  if (target === undefined) return undefined
  const requestId = crypto.randomUUID()
  return await new Promise<OpenedPort | undefined>((resolve) => {
    const timer = setTimeout(() => { waitingForPort.delete(requestId); resolve(undefined) }, OPEN_TIMEOUT_MS)
    waitingForPort.set(requestId, (port) => { clearTimeout(timer); resolve({ port, servedBy: target.id }) })
    target.postMessage({ ...open, requestId } satisfies DownloadOpen | ShareDownloadOpen | ZipDownloadOpen)
  })
}

function request (port: MessagePort, message: FileStreamRequest): void {
  port.postMessage(message)
}

/**
 * Answers `/download/<fileId>` (`?inline` for the viewer) with the decrypted
 * file, streamed from the node; a Range request with that part (206), read
 * from the chunks that hold it.
 */
export async function answerDownload ({ url, request }: { url: URL, request: Request }): Promise<Response> {
  const fileId = fileIdOfDownloadPath(url.pathname)
  const versionId = versionOfDownloadUrl(url)
  const opened = await openPort({ kind: 'download-open', fileId, ...(versionId !== undefined ? { versionId } : {}) })
  if (opened === undefined) return errorPage(503, 'Cairn is not running', 'Open Cairn in a tab, unlock it, then try the download again.')
  return await streamFrom(opened, dispositionOfDownloadUrl(url), rangeOf(request), (code, message) => {
    if (code === 'VAULT_LOCKED') return errorPage(423, 'Cairn is locked', 'Unlock your vault, then try the download again.')
    if (code === 'FILE_NOT_FOUND') return errorPage(404, 'File not found', 'This file is no longer in your vault.')
    return errorPage(500, 'Download failed', message)
  })
}

/**
 * Answers `/download/share/<token>` (`?inline` for a preview) with a shared
 * file, streamed from the share worker of the tab that opened the link. The
 * token is a random name that tab made up: the link's key never appears in
 * a request. A Range request gets that part (206), as a vault file's does.
 */
export async function answerShareDownload ({ url, request }: { url: URL, request: Request }): Promise<Response> {
  const token = tokenOfShareDownloadPath(url.pathname)
  const opened = await openPort({ kind: 'share-download-open', token })
  if (opened === undefined) return errorPage(404, 'This shared file is not open', 'Open the share link again, then download.')
  return await streamFrom(opened, dispositionOfDownloadUrl(url), rangeOf(request), (code, message) => {
    if (code === 'SHARE_UNAVAILABLE') return errorPage(503, 'Nobody is sharing this file right now', 'Try again later.')
    return errorPage(500, 'Download failed', message)
  })
}

/** A request's Range and If-Range headers, for a file that can be read in parts. */
export interface RangeAsked { range: string | null, ifRange: string | null }

function rangeOf (request: Request): RangeAsked {
  return { range: request.headers.get('Range'), ifRange: request.headers.get('If-Range') }
}

/**
 * Streams what the node sends on `port` as the response. With `asked` (a
 * file that can be read in parts), a satisfiable single Range gets a 206 of
 * that part, read by the node from the chunks that hold it; one past the end
 * a 416; anything else the whole file, which says it accepts ranges.
 * Without it (a zip, made as it is read), always the whole.
 */
export async function streamFrom ({ port, servedBy }: OpenedPort, disposition: 'attachment' | 'preview', asked: RangeAsked | undefined, failure: (code: string, message: string) => Response): Promise<Response> {
  // The tab that sends the file may close midway: the wait for its next reply then ends in an error, not never.
  const nextReply = portReplies(port, async () => await self.clients.get(servedBy) === undefined)
  request(port, { kind: 'pull' })
  const first = await nextReply()
  if (first.kind === 'error') {
    port.close()
    return failure(first.error.code, first.error.message)
  }
  if (first.kind !== 'meta') { port.close(); return errorPage(500, 'Download failed', 'Unexpected reply from the node') }
  // From the node's worker; checked, since it goes into a header.
  const etag = asked !== undefined && isStrongTag(first.etag) ? first.etag : undefined
  const choice = asked === undefined ? undefined : chooseRange(asked.range, asked.ifRange, first.size, etag)
  if (choice?.kind === 'unsatisfiable') {
    request(port, { kind: 'cancel' })
    port.close()
    return new Response(null, { status: 416, headers: unsatisfiableHeaders(first.size) })
  }
  const part = choice?.kind === 'part' ? { offset: choice.offset, length: choice.length } : undefined
  // Sent once, with the first pull of the content: the node starts its read there. A part
  // that is the whole file (`bytes=0-`, a media element's first ask) is read as the whole, with its every check.
  let range = part !== undefined && part.length < first.size ? part : undefined

  // Counted until it ends, so the pages keep this worker awake meanwhile (sw/streams-underway.ts).
  const ended = streamStarted()
  const body = new ReadableStream<Uint8Array>({
    async pull (controller) {
      request(port, range !== undefined ? { kind: 'pull', range } : { kind: 'pull' })
      range = undefined
      const reply = await nextReply()
      if (reply.kind === 'chunk') controller.enqueue(reply.bytes)
      else if (reply.kind === 'end') { port.close(); ended(); controller.close() }
      else if (reply.kind === 'error') { port.close(); ended(); controller.error(new Error(`${reply.error.code}: ${reply.error.message}`)) }
    },
    cancel () {
      request(port, { kind: 'cancel' })
      port.close()
      ended()
    }
  }, { highWaterMark: 2 })

  const headers = { ...fileResponseHeaders(first, disposition), ...(etag !== undefined ? { ETag: etag } : {}) }
  if (part !== undefined) return new Response(body, { status: 206, headers: { ...headers, ...partHeaders(part, first.size) } })
  return new Response(body, { headers: asked === undefined ? headers : { ...headers, ...ACCEPT_RANGES } })
}
