import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'vite'
import { startPeer } from '../relay-server/peer/start-peer.ts'
import { startRelay } from '../relay-server/relay/start-relay.ts'
import { serveApp } from './serve-app.ts'

/**
 * `npm start` (DESIGN §7): builds Cairn and runs, on localhost, a relay, a
 * backup peer holding a reservation on it, and the PWA on
 * http://localhost:5173 (or the next free port), wired together: the app gets
 * the relay's address from /cairn-config.json. Data goes under ./.cairn/.
 * CAIRN_PORT, CAIRN_DATA_DIR and CAIRN_LOG_LEVEL change the defaults.
 */
const port = Number(process.env.CAIRN_PORT ?? 5173)
const dataDir = process.env.CAIRN_DATA_DIR ?? '.cairn'
const logLevel = (process.env.CAIRN_LOG_LEVEL ?? 'warn') as 'warn'

console.log('Building Cairn…')
await build({ logLevel: 'warn' })

const relay = await startRelay({ keyFile: join(dataDir, 'relay', 'key'), logLevel })
const relayWs = relay.multiaddrs.find(ma => ma.includes('/ws/')) ?? relay.multiaddrs[0] ?? ''
const peer = await startPeer({ dataDir: join(dataDir, 'peer'), relay: [relayWs], logLevel })
const peerWs = peer.multiaddrs.find(ma => ma.includes('/ws/') && !ma.includes('p2p-circuit')) ?? peer.multiaddrs[0] ?? ''

// The app reads its default relays here (sw/workers/app-config.ts).
writeFileSync(join('dist', 'cairn-config.json'), JSON.stringify({ relays: [relayWs] }, null, 2))
const app = await serveApp({ port, host: '127.0.0.1', strictPort: false })

// localhost is what people type; like 127.0.0.1 it is a secure context (OPFS, WebCrypto).
console.log(`
Cairn is running at ${app.url.replace('127.0.0.1', 'localhost')}

  relay          ${relayWs}
                 status: ${relay.httpUrl}/ping
  backup peer    ${peerWs}
  pairing code   ${peer.pairingCode ?? '(a vault is already paired; run `npx cairn-peer pair --data-dir ' + join(dataDir, 'peer') + '` for a new code)'}

In the app: Backup → "Add backup peer" with the address and code above.
Press Ctrl+C to stop.
`)

let stopping = false
const stop = (): void => {
  if (stopping) return
  stopping = true
  void (async () => {
    await app.close()
    await peer.stop()
    await relay.stop()
    process.exit(0)
  })()
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
