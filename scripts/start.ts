import { build } from 'vite'
import { serveApp } from './serve-app.ts'

/**
 * `npm start`: builds Cairn and serves it on http://localhost:5173 (or the next
 * free port), on local defaults. The relay and backup peer join here once they
 * exist (DESIGN §7).
 */
const port = Number(process.env.CAIRN_PORT ?? 5173)
console.log('Building Cairn…')
await build({ logLevel: 'warn' })
const app = await serveApp({ port, host: '127.0.0.1', strictPort: false })
// localhost is what people type; like 127.0.0.1 it is a secure context (OPFS, WebCrypto).
console.log(`\nCairn is running at ${app.url.replace('127.0.0.1', 'localhost')}\nPress Ctrl+C to stop.\n`)

const stop = (): void => { void app.close().then(() => process.exit(0)) }
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
