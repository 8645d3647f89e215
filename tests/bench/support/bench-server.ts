import { createServer as createNetServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { createServer, type ViteDevServer } from 'vite'

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const PAGE_ROOT = fileURLToPath(new URL('../browser/', import.meta.url))

/** The bench page's server and its address. */
export interface BenchServer {
  url: string
  close: () => Promise<void>
}

/**
 * A port the OS reports free on 127.0.0.1. Vite is given a fixed port rather
 * than 0 because its page client dials its websocket at the configured port.
 */
async function freePort (): Promise<number> {
  const probe = createNetServer()
  await new Promise<void>((resolve, reject) => { probe.once('error', reject).listen(0, '127.0.0.1', resolve) })
  const address = probe.address()
  await new Promise<void>((resolve) => { probe.close(() => { resolve() }) })
  if (address === null || typeof address === 'string') throw new Error('could not find a free port')
  return address.port
}

/**
 * Vite's dev server for tests/bench/browser on 127.0.0.1 and a free port.
 * No file watching and no HMR: other people edit the tree while the bench
 * runs, and a reload would cut the run short.
 */
export async function startBenchServer (): Promise<BenchServer> {
  const server: ViteDevServer = await createServer({
    configFile: false,
    root: PAGE_ROOT,
    logLevel: 'warn',
    clearScreen: false,
    server: {
      host: '127.0.0.1',
      port: await freePort(),
      strictPort: true,
      hmr: false,
      watch: null,
      fs: { allow: [REPO_ROOT] }
    },
    worker: { format: 'es' },
    // The Files page bench (files-ui.html) renders the app's Preact components.
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    optimizeDeps: {
      // Find the workers' dependencies up front: discovering one at run time
      // makes Vite re-bundle and reload the page mid-benchmark.
      entries: ['index.html', 'bench-worker.ts', 'files-ui.html', 'folders.html', 'folders-worker.ts'],
      include: ['hash-wasm']
    }
  })
  await server.listen()
  const url = server.resolvedUrls?.local[0]
  if (url === undefined) {
    await server.close()
    throw new Error('the bench server did not report an address')
  }
  return { url, close: async () => { await server.close() } }
}
