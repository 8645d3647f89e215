import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import type { AddressInfo } from 'node:net'
import { SECURITY_HEADERS } from '../../../core/security-headers.ts'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm'
}

/**
 * A minimal static server over a directory that a test may change while it
 * runs (e.g. to "deploy" a new version). Reads every file on each request, so
 * nothing is cached; same security headers as the real server unless
 * `securityHeaders: false` (a static host that sends none).
 */
export async function serveDirectory (root: string, options: { securityHeaders?: boolean } = {}): Promise<{ url: string, close: () => Promise<void> }> {
  const security = options.securityHeaders === false ? {} : SECURITY_HEADERS
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
    const file = join(root, path === '/' ? 'index.html' : path)
    readFile(file).catch(async () => await readFile(join(root, 'index.html'))).then((body) => {
      res.writeHead(200, { ...security, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' })
      res.end(body)
    }, () => { res.writeHead(404); res.end() })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      // Chromium keeps sockets open (and preconnects spare ones): drop them, or close() waits minutes.
      const closed = new Promise(resolve => server.close(resolve))
      server.closeAllConnections()
      await closed
    }
  }
}
