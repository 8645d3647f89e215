import { preview, type Plugin } from 'vite'
import { SECURITY_HEADERS } from '../core/security-headers.ts'

export interface ServeAppInit {
  /** 0 picks a free port. */
  port: number
  host?: string
  /** Fail instead of trying the next port when `port` is taken. */
  strictPort?: boolean
  /** Served as /cairn-config.json (sw/workers/app-config.ts), so dist/ is never written to. */
  appConfig?: unknown
}

export interface ServedApp {
  url: string
  close: () => Promise<void>
}

/**
 * Serves the built PWA from dist/ with the project's security headers
 * (core/security-headers.ts, including the CSP with frame-ancestors). Used by `npm start`
 * and by the browser tests, so tests run what a user runs.
 */
export async function serveApp (init: ServeAppInit): Promise<ServedApp> {
  const host = init.host ?? '127.0.0.1'
  const server = await preview({
    logLevel: 'warn',
    preview: { port: init.port, host, strictPort: init.strictPort ?? init.port === 0, open: false, headers: { ...SECURITY_HEADERS } },
    plugins: init.appConfig === undefined ? [] : [appConfigRoute(init.appConfig)]
  })
  const address = server.httpServer.address()
  if (address === null || typeof address === 'string') throw new Error('the app server has no TCP address')
  const url = `http://${host}:${address.port}`
  return { url, close: async () => { await server.close() } }
}

/** A preview-server plugin answering GET /cairn-config.json with `config`. */
function appConfigRoute (config: unknown): Plugin {
  const body = JSON.stringify(config)
  return {
    name: 'cairn-app-config',
    configurePreviewServer (server) {
      server.middlewares.use('/cairn-config.json', (_req, res) => {
        res.setHeader('content-type', 'application/json; charset=utf-8')
        res.setHeader('cache-control', 'no-store')
        res.end(body)
      })
    }
  }
}
