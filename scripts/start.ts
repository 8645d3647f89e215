import { join } from 'node:path'
import { isLogLevel, type LogThreshold } from '../relay-server/shared/log.ts'
import { pairingLinkHash } from '../web/lib/pairing-link.ts'
import { choosePorts, probeOn, readSavedPorts, savePorts } from './local-ports.ts'

/**
 * `npm start` (DESIGN §7): builds Cairn and runs, on localhost, a relay, a
 * backup peer holding a reservation on it, and the PWA on
 * http://localhost:5173 (or the next free port), wired together: the app gets
 * the relay's address from /cairn-config.json. Data goes under ./.cairn/.
 * The relay and peer take 4101–4103 or the next free ports, remembered in
 * .cairn/ports.json (as is the app's port: browser storage is per port).
 * CAIRN_PORT, CAIRN_DATA_DIR and CAIRN_LOG_LEVEL change the defaults;
 * `npm start -- --no-build` serves the last build.
 * A failure is one line on stderr and exit code 1, never a stack trace.
 */
const HOST = '127.0.0.1'
const DEFAULT_APP_PORT = 5173

/** Says what went wrong in one line and exits. */
function fail (err: unknown): never {
  const message = err instanceof Error ? err.message : String(err)
  process.stderr.write(`Cairn could not start: ${message.split('\n')[0] ?? message}\n`)
  process.exit(1)
}

function envPort (text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined
  const port = Number(text)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(new Error(`CAIRN_PORT must be a port number from 0 to 65535 (0: any free port), not "${text}"`))
  return port
}

async function main (): Promise<void> {
  const dataDir = process.env.CAIRN_DATA_DIR ?? '.cairn'
  const levelText = process.env.CAIRN_LOG_LEVEL ?? 'warn'
  if (!isLogLevel(levelText)) fail(new Error(`CAIRN_LOG_LEVEL must be one of debug, info, warn, error, silent, not "${levelText}"`))
  const logLevel: LogThreshold = levelText
  const portsFile = join(dataDir, 'ports.json')
  const saved = readSavedPorts(portsFile)
  const appPort = envPort(process.env.CAIRN_PORT) ?? saved.app ?? DEFAULT_APP_PORT

  if (!process.argv.includes('--no-build')) {
    console.log('Building Cairn…')
    const { build } = await import('vite')
    await build({ logLevel: 'warn' })
  }

  const ports = await choosePorts({ saved, probe: probeOn(HOST), host: HOST })
  // Loaded only now: libp2p takes a while to import, and a bad variable needs none of it.
  const [{ startRelay }, { startPeer }, { serveApp }] = await Promise.all([
    import('../relay-server/relay/start-relay.ts'),
    import('../relay-server/peer/start-peer.ts'),
    import('./serve-app.ts')
  ])
  const started: Array<{ stop: () => Promise<void> }> = []
  const stopAll = async (): Promise<void> => {
    for (const part of started.splice(0).reverse()) await part.stop().catch(() => {})
  }
  // Signals are handled from the start: Ctrl+C while starting stops what is already up.
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    void stopAll().then(() => { process.exit(0) })
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  try {
    const relay = await startRelay({ host: HOST, wsPort: ports.relay, keyFile: join(dataDir, 'relay', 'key'), logLevel })
    started.push(relay)
    const relayWs = relay.multiaddrs.find(ma => ma.includes('/ws/')) ?? relay.multiaddrs[0] ?? ''
    const peer = await startPeer({ host: HOST, wsPort: ports.peer, dataDir: join(dataDir, 'peer'), relay: [relayWs], logLevel })
    started.push(peer)
    const peerWs = peer.multiaddrs.find(ma => ma.includes('/ws/') && !ma.includes('p2p-circuit')) ?? peer.multiaddrs[0] ?? ''
    // The app reads its default relays here (sw/workers/app-config.ts).
    const app = await serveApp({ port: appPort, host: HOST, strictPort: appPort === 0, appConfig: { relays: [relayWs] } })
    started.push({ stop: app.close })
    savePorts(portsFile, { ...ports, app: Number(new URL(app.url).port) })

    // localhost is what people type; like 127.0.0.1 it is a secure context (OPFS, WebCrypto).
    const appUrl = app.url.replace(HOST, 'localhost')
    const pairing = peer.pairingCode === null
      ? `  pairing code   (a vault is already paired; run \`npx cairn-peer pair --data-dir ${join(dataDir, 'peer')}\` for a new code)`
      : [
          `  pairing code   ${peer.pairingCode}`,
          '',
          'Open this link to pair the app with the backup peer (then press "Add backup peer"):',
          `  ${appUrl}/${pairingLinkHash({ peer: peerWs, code: peer.pairingCode })}`
        ].join('\n')
    console.log(`
Cairn is running at ${appUrl}

  relay          ${relayWs}
                 status: ${relay.httpUrl}/ping
  backup peer    ${peerWs}
${pairing}

In the app: Backup → "Add backup peer" with the address and code above.
Press Ctrl+C to stop.
`)
  } catch (err) {
    if (stopping) return
    await stopAll()
    fail(err)
  }
  // A stop asked for while starting may have missed the parts started since.
  if (stopping) await stopAll()
}

// A failure inside a library is still one line. Once running, a stray rejection (a remote peer
// misbehaving) is reported and the services go on, as cairn-relay and cairn-peer do.
let running = false
process.on('uncaughtException', fail)
process.on('unhandledRejection', (reason) => {
  if (!running) fail(reason)
  process.stderr.write(`Cairn: ${reason instanceof Error ? reason.message : String(reason)}\n`)
})
await main().catch(fail)
running = true
