import type { Plugin, PreviewServer, ViteDevServer } from 'vite'
import { META_CONTENT_SECURITY_POLICY, SECURITY_HEADERS, staticHostHeadersFile } from '../core/security-headers.ts'

/**
 * Ships the security policy of core/security-headers.ts with the build, so a
 * static host serves it too: a CSP `<meta>` in index.html's head (before any
 * script or style it governs) and dist/_headers for hosts that read one.
 * Vite's dev and preview servers (and so scripts/serve-app.ts) send the headers
 * on every response, their 404s included.
 */
export function securityHeaders (): Plugin {
  const sendHeaders = (server: ViteDevServer | PreviewServer): void => {
    server.middlewares.use((_req, res, next) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
      next()
    })
  }
  return {
    name: 'cairn-security-headers',
    configureServer: sendHeaders,
    configurePreviewServer: sendHeaders,
    // Right after <meta charset> (which must come first), before any script or style it governs.
    transformIndexHtml: (html) => {
      const charset = /<meta charset="utf-8"\s*\/?>/i.exec(html)
      if (charset === null) throw new Error('index.html needs <meta charset="utf-8"> first in <head>')
      const meta = `<meta http-equiv="Content-Security-Policy" content="${META_CONTENT_SECURITY_POLICY}" />`
      const at = charset.index + charset[0].length
      return `${html.slice(0, at)}\n    ${meta}${html.slice(at)}`
    },
    generateBundle () {
      this.emitFile({ type: 'asset', fileName: '_headers', source: staticHostHeadersFile() })
    }
  }
}
