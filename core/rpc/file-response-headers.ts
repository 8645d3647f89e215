import { STREAMED_BY_CAIRN_HEADER } from './file-stream-protocol.ts'

/**
 * Headers of a decrypted file streamed at `/download/…`: by the service worker in a browser, by the daemon in the desktop app.
 * Typed without the WebWorker lib so the unit tests can run it in Node.
 */

const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i

/** Types a preview may show inline; anything else (HTML above all) is only ever a download. */
const PREVIEWABLE = /^(image\/|audio\/|video\/|text\/plain$|application\/pdf$)/

/**
 * A file is content, never a page of this origin: it runs no script, loads
 * nothing from elsewhere and, in a sandbox, gets an opaque origin of its own,
 * so it cannot read the app's storage or reach its workers. PDFs get the same:
 * Chromium 156 shows a PDF under a CSP `sandbox` (only the iframe `sandbox`
 * attribute stops its viewer), though its viewer keeps the origin for the
 * PDF's frame; what holds there is that no script of this origin runs in it
 * (PDF scripts run inside PDFium, with no DOM). tests/e2e/share-preview-sandbox.spec.ts.
 */
export const FILE_CONTENT_SECURITY_POLICY = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"

/** RFC 6266 / 5987: a plain ASCII fallback and the exact UTF-8 name. */
export function contentDisposition (name: string, inline = false): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `${inline ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`
}

/** `preview` shows previewable types inline (the share page); everything else is an attachment. */
export function fileResponseHeaders (meta: { name: string, size: number, type: string }, disposition: 'attachment' | 'preview'): Record<string, string> {
  // One plain `type/subtype`: a list or parameters could make the browser read another type.
  const type = MIME_TYPE.test(meta.type) ? meta.type : 'application/octet-stream'
  const inline = disposition === 'preview' && PREVIEWABLE.test(type)
  return {
    'Content-Type': type,
    'Content-Length': String(meta.size),
    'Content-Disposition': contentDisposition(meta.name, inline),
    'Cache-Control': 'no-store',
    [STREAMED_BY_CAIRN_HEADER]: 'file',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': FILE_CONTENT_SECURITY_POLICY
  }
}
