import type { ServerResponse } from 'node:http'
import { toErrorPayload } from '../../core/errors.ts'
import type { Log } from '../../core/log.ts'
import { fileResponseHeaders } from '../../core/rpc/file-response-headers.ts'
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
 */
export async function answerDownload (url: URL, node: Promise<ServedNode>, res: ServerResponse, log: Log): Promise<void> {
  if (isShareDownloadPath(url.pathname)) { plain(res, 404, 'Shared files download in the browser tab that opened the link.'); return }
  let opened
  try {
    const { vault } = await node
    // `/download/zip?folder=…`: one zip of a folder, made as the browser reads it (core/vault/vault-zip.ts).
    if (isZipDownloadPath(url.pathname)) {
      const zip = zipSource(vault.files(), zipRequestOf(url))
      opened = { info: { path: zip.name, size: zip.size, type: zip.type }, stream: zip.stream }
    } else opened = vault.files().open(fileIdOfDownloadPath(url.pathname), versionOfDownloadUrl(url))
  } catch (err) {
    const code = toErrorPayload(err).code
    if (code === 'VAULT_LOCKED') plain(res, 423, 'Cairn is locked. Unlock your vault, then try the download again.')
    else if (code === 'FILE_NOT_FOUND') plain(res, 404, 'This file is no longer in your vault.')
    else { log.warn(`a download failed to open: ${code}`); plain(res, 500, 'Download failed.') }
    return
  }
  const { info, stream } = opened
  const name = info.path.slice(info.path.lastIndexOf('/') + 1)
  // The same headers the service worker gives a streamed file: content, never a page.
  res.writeHead(200, { ...SECURITY_HEADERS, ...fileResponseHeaders({ name, size: info.size, type: info.type }, dispositionOfDownloadUrl(url)) })
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

