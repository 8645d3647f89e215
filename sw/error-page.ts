import { ERROR_PAGE_DETAIL_ID, STREAMED_BY_CAIRN_HEADER } from '../core/rpc/file-stream-protocol.ts'
import { escapeMarkup as escapeHtml } from '../core/escape-markup.ts'
import { FRAMED_BY_SELF_HEADERS } from '../core/security-headers.ts'

/**
 * The service worker's error pages (download routes). They are pages of the
 * app's origin, and their text can come from elsewhere (an error message may
 * quote a shared file's name, chosen by whoever shared it), so every piece is
 * escaped and the page gets the app's own policy: no script; framed by the
 * app's own pages only (a download in a hidden frame reads its words there).
 *
 * Typed without the WebWorker lib so the unit tests can run it in Node.
 */

export { escapeMarkup as escapeHtml } from '../core/escape-markup.ts'

/** A small HTML page with a title, a sentence and a way back. No inline style: the CSP allows none. */
export function errorPage (status: number, title: string, detail: string): Response {
  const safeTitle = escapeHtml(title)
  const body = `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${safeTitle}</title><h1>${safeTitle}</h1><p id="${ERROR_PAGE_DETAIL_ID}">${escapeHtml(detail)}</p><p><a href="/">Back to Cairn</a></p></html>`
  return new Response(body, {
    status,
    headers: {
      ...FRAMED_BY_SELF_HEADERS,
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      [STREAMED_BY_CAIRN_HEADER]: 'error'
    }
  })
}
