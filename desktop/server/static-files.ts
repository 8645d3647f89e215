import { readFile, stat } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { extname, join, resolve, sep } from 'node:path'
import { SECURITY_HEADERS } from '../../core/security-headers.ts'
import { DAEMON_KEY_META_NAME, DESKTOP_HOST, HOST_META_NAME } from '../../core/rpc/socket-messages.ts'

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8'
}

const HOST_META = `<meta name="${HOST_META_NAME}" content="${DESKTOP_HOST}">`

/**
 * Serves the built PWA (dist/) with the app's security headers
 * (core/security-headers.ts). index.html, and the SPA fallback for a path with
 * no file extension, gets the desktop meta tag, so the page knows at once
 * that its node is the daemon's (web/connection/connection.ts), and the
 * daemon's per-launch public key, which every socket must prove it holds
 * (core/rpc/socket-proof.ts).
 */
export async function serveStatic (distDir: string, pathname: string, res: ServerResponse, head: boolean, daemonKeyHex: string): Promise<void> {
  const root = resolve(distDir)
  const wanted = resolve(root, '.' + pathname)
  if (wanted !== root && !wanted.startsWith(root + sep)) { plain(res, 404, 'Not found'); return }
  const file = await isFile(wanted) ? wanted : extname(pathname) === '' ? join(root, 'index.html') : undefined
  if (file === undefined) { plain(res, 404, 'Not found'); return }
  const isIndex = file === join(root, 'index.html')
  let body: Buffer | string = await readFile(file)
  if (isIndex) body = withHostMeta(body.toString('utf8'), daemonKeyHex)
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': String(Buffer.byteLength(body)),
    // Hashed assets never change; the page and the service worker script always revalidate.
    'Cache-Control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'
  })
  res.end(head ? undefined : body)
}

/** A short text answer with the security headers. */
export function plain (res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(text)
}

/** `html` with the desktop meta tag and the daemon's key (lowercase hex, nothing to escape) at the top of its head. */
export function withHostMeta (html: string, daemonKeyHex: string): string {
  const metas = HOST_META + `<meta name="${DAEMON_KEY_META_NAME}" content="${daemonKeyHex}">`
  const at = html.search(/<head[^>]*>/i)
  if (at < 0) return metas + html
  const end = html.indexOf('>', at) + 1
  return html.slice(0, end) + metas + html.slice(end)
}

async function isFile (path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}
