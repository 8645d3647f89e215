/// <reference lib="webworker" />
import type { DownloadOpen, DownloadPortMessage, ShareDownloadOpen, ZipDownloadOpen } from '../core/rpc/download-messages.ts'
import { dispositionOfDownloadUrl, fileIdOfDownloadPath, tokenOfShareDownloadPath, versionOfDownloadUrl } from '../core/rpc/service-worker-urls.ts'
import { leaderClient } from './node-port-route.ts'
import { shareClient } from './share-token-route.ts'
import type { FileStreamRequest } from '../core/rpc/file-stream-protocol.ts'
import { errorPage } from './error-page.ts'
import { fileResponseHeaders } from '../core/rpc/file-response-headers.ts'
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

/** Answers `/download/<fileId>` (`?inline` for the viewer) with the decrypted file, streamed from the node. */
export async function answerDownload ({ url }: { url: URL }): Promise<Response> {
  const fileId = fileIdOfDownloadPath(url.pathname)
  const versionId = versionOfDownloadUrl(url)
  const opened = await openPort({ kind: 'download-open', fileId, ...(versionId !== undefined ? { versionId } : {}) })
  if (opened === undefined) return errorPage(503, 'Cairn is not running', 'Open Cairn in a tab, unlock it, then try the download again.')
  return await streamFrom(opened, dispositionOfDownloadUrl(url), (code, message) => {
    if (code === 'VAULT_LOCKED') return errorPage(423, 'Cairn is locked', 'Unlock your vault, then try the download again.')
    if (code === 'FILE_NOT_FOUND') return errorPage(404, 'File not found', 'This file is no longer in your vault.')
    return errorPage(500, 'Download failed', message)
  })
}

/**
 * Answers `/download/share/<token>` (`?inline` for a preview) with a shared
 * file, streamed from the share worker of the tab that opened the link. The
 * token is a random name that tab made up: the link's key never appears in
 * a request.
 */
export async function answerShareDownload ({ url }: { url: URL }): Promise<Response> {
  const token = tokenOfShareDownloadPath(url.pathname)
  const opened = await openPort({ kind: 'share-download-open', token })
  if (opened === undefined) return errorPage(404, 'This shared file is not open', 'Open the share link again, then download.')
  return await streamFrom(opened, dispositionOfDownloadUrl(url), (code, message) => {
    if (code === 'SHARE_UNAVAILABLE') return errorPage(503, 'Nobody is sharing this file right now', 'Try again later.')
    return errorPage(500, 'Download failed', message)
  })
}

export async function streamFrom ({ port, servedBy }: OpenedPort, disposition: 'attachment' | 'preview', failure: (code: string, message: string) => Response): Promise<Response> {
  // The tab that sends the file may close midway: the wait for its next reply then ends in an error, not never.
  const nextReply = portReplies(port, async () => await self.clients.get(servedBy) === undefined)
  request(port, { kind: 'pull' })
  const first = await nextReply()
  if (first.kind === 'error') {
    port.close()
    return failure(first.error.code, first.error.message)
  }
  if (first.kind !== 'meta') { port.close(); return errorPage(500, 'Download failed', 'Unexpected reply from the node') }

  // Counted until it ends, so the pages keep this worker awake meanwhile (sw/streams-underway.ts).
  const ended = streamStarted()
  const body = new ReadableStream<Uint8Array>({
    async pull (controller) {
      request(port, { kind: 'pull' })
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

  return new Response(body, { headers: fileResponseHeaders(first, disposition) })
}
