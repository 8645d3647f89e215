import type { ServerResponse } from 'node:http'
import { toErrorPayload } from '../../core/errors.ts'
import type { Log } from '../../core/log.ts'
import { STREAMED_BY_CAIRN_HEADER } from '../../core/rpc/file-stream-protocol.ts'
import { fileIdOfDownloadPath, isShareDownloadPath, versionOfDownloadUrl } from '../../core/rpc/service-worker-urls.ts'
import { SECURITY_HEADERS } from '../../core/security-headers.ts'
import type { ServedNode } from '../../core/node/vault-node.ts'
import { plain } from './static-files.ts'

/** The same policy the service worker gives a streamed file (sw/file-response-headers.ts): content, never a page. */
const FILE_CONTENT_SECURITY_POLICY = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i

/**
 * `/download/<fileId>[?version=…]` in the desktop app: the daemon streams the
 * decrypted file itself (no service worker there), one chunk at a time as the
 * browser takes it. Share downloads (`/download/share/…`) live in a browser
 * tab's share worker, which the desktop window does not run: 404.
 */
export async function answerDownload (url: URL, node: Promise<ServedNode>, res: ServerResponse, log: Log): Promise<void> {
  if (isShareDownloadPath(url.pathname)) { plain(res, 404, 'Shared files download in the browser tab that opened the link.'); return }
  let opened
  try {
    const { vault } = await node
    opened = vault.files().open(fileIdOfDownloadPath(url.pathname), versionOfDownloadUrl(url))
  } catch (err) {
    const code = toErrorPayload(err).code
    if (code === 'VAULT_LOCKED') plain(res, 423, 'Cairn is locked. Unlock your vault, then try the download again.')
    else if (code === 'FILE_NOT_FOUND') plain(res, 404, 'This file is no longer in your vault.')
    else { log.warn(`a download failed to open: ${code}`); plain(res, 500, 'Download failed.') }
    return
  }
  const { info, stream } = opened
  const name = info.path.slice(info.path.lastIndexOf('/') + 1)
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': MIME_TYPE.test(info.type) ? info.type : 'application/octet-stream',
    'Content-Length': String(info.size),
    'Content-Disposition': attachment(name),
    'Cache-Control': 'no-store',
    [STREAMED_BY_CAIRN_HEADER]: 'file',
    'Content-Security-Policy': FILE_CONTENT_SECURITY_POLICY
  })
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

/** RFC 6266 / 5987: a plain ASCII fallback and the exact UTF-8 name. */
function attachment (name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`
}
