import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { startServerProcess, type ServerProcess } from './server-process.ts'

export interface RelayReady { peerId: string, multiaddrs: string[], http: string }
export interface PeerReady { peerId: string, multiaddrs: string[], pairingCode: string | null }

const RELAY_BIN = 'relay-server/bin/cairn-relay.js'
const PEER_BIN = 'relay-server/bin/cairn-peer.js'

/** The relay's WebSocket address (what a browser dials). */
export function wsAddress (multiaddrs: string[]): string {
  const ws = multiaddrs.find(ma => ma.includes('/ws/') && !ma.includes('/p2p-circuit'))
  if (ws === undefined) throw new Error(`no WebSocket address among ${multiaddrs.join(', ')}`)
  return ws
}

/** A real cairn-relay on free ports of 127.0.0.1, its key in a temporary directory. */
export async function startRelay (dir = mkdtempSync(join(tmpdir(), 'cairn-relay-')), wsPort = 0): Promise<ServerProcess<RelayReady> & { dir: string }> {
  const relay = await startServerProcess<RelayReady>(RELAY_BIN, ['--ws-port', String(wsPort), '--http-port', '0', '--no-webrtc-direct', '--key-file', join(dir, 'key')], 'CAIRN_RELAY_READY')
  return { ...relay, dir }
}

/** A real cairn-peer on free ports with its own data directory (reused on restart when given). */
export async function startPeer (options: { dataDir?: string, relay?: string, wsPort?: number, args?: string[] } = {}): Promise<ServerProcess<PeerReady> & { dataDir: string }> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cairn-peer-'))
  const args = ['--data-dir', dataDir, '--ws-port', String(options.wsPort ?? 0), '--no-webrtc-direct', '--log-level', 'debug']
  if (options.relay !== undefined) args.push('--relay', options.relay)
  if (options.args !== undefined) args.push(...options.args)
  const peer = await startServerProcess<PeerReady>(PEER_BIN, args, 'CAIRN_PEER_READY')
  return { ...peer, dataDir }
}

/** Every file under `dir` that contains one of the needles (plaintext markers). */
export function filesContaining (dir: string, needles: Uint8Array[]): string[] {
  const hits: string[] = []
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      const stat = statSync(path)
      if (stat.isDirectory()) walk(path)
      else if (stat.isFile()) {
        const bytes = readFileSync(path)
        if (needles.some(n => bytes.indexOf(n) !== -1)) hits.push(path)
      }
    }
  }
  walk(dir)
  return hits
}

export function removeDir (dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/**
 * A TCP port free right now, for a server that must come back on the same address after a restart.
 * It is taken below the kernel's ephemeral range: a port from that range can be handed to any
 * other process binding port 0 (a parallel test's relay, a browser's socket) between this check
 * and the server's own listen, or while the server is down for its restart.
 */
export async function freePort (): Promise<number> {
  const ephemeralLow = ephemeralRangeStart()
  const low = 10_000
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (ephemeralLow - low))
    if (await canListen(port)) return port
  }
  throw new Error(`no free port found between ${low} and ${ephemeralLow}`)
}

function ephemeralRangeStart (): number {
  try {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0])
    if (Number.isInteger(start) && start > 11_000) return start
  } catch {
    // Not Linux: macOS and Windows start their ephemeral ranges at 49152.
  }
  return 32_768
}

async function canListen (port: number): Promise<boolean> {
  return await new Promise(resolve => {
    const server = createServer()
    server.once('error', () => { resolve(false) })
    server.listen(port, '127.0.0.1', () => { server.close(() => { resolve(true) }) })
  })
}
