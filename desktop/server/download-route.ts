import type { IncomingHttpHeaders, ServerResponse } from 'node:http'
import { toErrorPayload } from '../../core/errors.ts'
import type { Log } from '../../core/log.ts'
import { fileResponseHeaders } from '../../core/rpc/file-response-headers.ts'
import { ACCEPT_RANGES, chooseRange, contentTag, partHeaders, unsatisfiableHeaders } from '../../core/rpc/http-ranges.ts'
import { dispositionOfDownloadUrl, fileIdOfDownloadPath, isShareDownloadPath, isZipDownloadPath, versionOfDownloadUrl, zipRequestOf } from '../../core/rpc/service-worker-urls.ts'
import { zipSource } from '../../core/vault/vault-zip.ts'
import { SECURITY_HEADERS } from '../../core/security-headers.ts'
import type { ServedNode } from '../../core/node/vault-node.ts'
import { plain } from './static-files.ts'


/**
 * `/download/<fileId>[?version=…][&inline]` in the desktop app (`inline`: the viewer's preview): the daemon streams the
 * decrypted file itself (no service worker there), one chunk at a time as the
 * browser takes it. Share downloads (`/download/share/…`) live in a browser
 * tab's share worker, which the desktop window does not run: 404.
 * A file (not a zip) answers a single-range Range request with that part
 * (206), read from the chunks that hold it, as the service worker does
 * (core/rpc/http-ranges.ts): the viewer's video and audio seek with it.
 */
export async function answerDownload (url: URL, node: Promise<ServedNode>, res: ServerResponse, log: Log, headers: IncomingHttpHeaders = {}): Promise<void> {
  if (isShareDownloadPath(url.pathname)) { plain(res, 404, 'Shared files download in the browser tab that opened the link.'); return }
  let opened: { info: { path: string, size: number, type: string, cid?: string }, read: (range?: { offset: number, length: number }) => ReadableStream<Uint8Array>, ranges: boolean }
  try {
    const { vault } = await node
    // `/download/zip?folder=…`: one zip of a folder, made as the browser reads it (core/vault/vault-zip.ts).
    if (isZipDownloadPath(url.pathname)) {
      const zip = zipSource(vault.files(), zipRequestOf(url))
      opened = { info: { path: zip.name, size: zip.size, type: zip.type }, read: () => zip.stream, ranges: false }
    } else opened = { ...vault.files().reader(fileIdOfDownloadPath(url.pathname), versionOfDownloadUrl(url)), ranges: true }
  } catch (err) {
    const code = toErrorPayload(err).code
    if (code === 'VAULT_LOCKED') plain(res, 423, 'Cairn is locked. Unlock your vault, then try the download again.')
    else if (code === 'FILE_NOT_FOUND') plain(res, 404, 'This file is no longer in your vault.')
    else { log.warn(`a download failed to open: ${code}`); plain(res, 500, 'Download failed.') }
    return
  }
  const { info, read } = opened
  const name = info.path.slice(info.path.lastIndexOf('/') + 1)
  const etag = opened.ranges && info.cid !== undefined ? contentTag(info.cid) : undefined
  const choice = opened.ranges ? chooseRange(headerValue(headers.range), headerValue(headers['if-range']), info.size, etag) : undefined
  if (choice?.kind === 'unsatisfiable') {
    res.writeHead(416, { ...SECURITY_HEADERS, ...unsatisfiableHeaders(info.size) })
    res.end()
    return
  }
  const part = choice?.kind === 'part' ? { offset: choice.offset, length: choice.length } : undefined
  let stream: ReadableStream<Uint8Array>
  try {
    // A part that is the whole file (`bytes=0-`) is read as the whole, with its every check.
    stream = read(part !== undefined && part.length < info.size ? part : undefined)
  } catch (err) {
    log.warn(`a download failed to open: ${toErrorPayload(err).code}`)
    plain(res, 500, 'Download failed.')
    return
  }
  // The same headers the service worker gives a streamed file: content, never a page.
  const fileHeaders = { ...SECURITY_HEADERS, ...fileResponseHeaders({ name, size: info.size, type: info.type }, dispositionOfDownloadUrl(url)), ...(etag !== undefined ? { ETag: etag } : {}) }
  if (part !== undefined) res.writeHead(206, { ...fileHeaders, ...partHeaders(part, info.size) })
  else res.writeHead(200, opened.ranges ? { ...fileHeaders, ...ACCEPT_RANGES } : fileHeaders)
  const reader = stream.getReader()
  // The browser went away: stop decrypting.
  res.on('close', () => { if (!res.writableFinished) void reader.cancel().catch(() => {}) })
  try {
    for (;;) {
      const next = await reader.read()
      if (next.done) break
      if (!res.write(next.value)) await new Promise<void>((resolve) => { res.once('drain', resolve); res.once('close', resolve) })
      if (res.destroyed) return
    }
    res.end()
  } catch (err) {
    // Headers are gone: a cut-short response is how the browser hears of it.
    log.warn(`a download broke off: ${toErrorPayload(err).code}`)
    res.destroy()
  }
}

/** One value of a request header (Node gives a list for some). */
function headerValue (value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

