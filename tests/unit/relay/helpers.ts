import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { webSockets } from '@libp2p/websockets'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { createLogger } from '../../../relay-server/shared/log.ts'
import { startRelay, type RunningRelay } from '../../../relay-server/relay/start-relay.ts'
import { webSocketsDiallingWith } from '../../../relay-server/shared/websockets-dialling.ts'
import type { RelayConfig } from '../../../relay-server/relay/config.ts'
import type { PrivateKey, Stream } from '@libp2p/interface'

export const BIN = new URL('../../../relay-server/bin/cairn-relay.js', import.meta.url).pathname
export const READY = 'CAIRN_RELAY_READY '

export type Client = Libp2p<{ identify: Identify, ping: Ping }>

/**
 * A Node libp2p client as a browser would be: WebSocket + circuit relay
 * client, noise, yamux, identify, ping (and WebRTC-direct when asked).
 */
export async function createClient (listen: string[] = [], options: { webrtcDirect?: boolean, privateKey?: PrivateKey, dialWith?: typeof globalThis.WebSocket } = {}): Promise<Client> {
  const webrtc = options.webrtcDirect === true ? [(await import('@libp2p/webrtc')).webRTCDirect()] : []
  // dialWith: a WebSocket class to dial with (a test counting what arrives), in place of Node's own.
  const ws = options.dialWith !== undefined ? webSocketsDiallingWith(options.dialWith) : webSockets()
  return await createLibp2p({
    ...(options.privateKey !== undefined ? { privateKey: options.privateKey } : {}),
    addresses: { listen },
    transports: [ws, circuitRelayTransport(), ...webrtc],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), ping: ping() }
  })
}

/** Resolves with A's relayed address once its reservation on the relay is made. */
export async function circuitAddress (node: Libp2p, timeoutMs = 10_000): Promise<Multiaddr> {
  const find = (): Multiaddr | undefined => node.getMultiaddrs().find(ma => ma.toString().includes('/p2p-circuit/'))
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const found = find()
    if (found !== undefined) return found
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error('no relay reservation within the time limit')
}

export const SINK_PROTOCOL = '/cairn-test/sink/1.0.0'

/** Registers a handler that counts the bytes it receives and answers with the count as text. */
export async function serveSink (node: Libp2p): Promise<void> {
  await node.handle(SINK_PROTOCOL, async (stream: Stream) => {
    let received = 0
    for await (const chunk of stream) received += chunk.byteLength
    stream.send(new TextEncoder().encode(String(received)))
    await stream.close()
  })
}

/** Sends `total` bytes over a new sink stream and returns the count the other side reports. */
export async function sendToSink (node: Libp2p, to: Multiaddr, total: number, chunkSize = 64 * 1024): Promise<number> {
  const stream = await node.dialProtocol(to, SINK_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
  const chunk = new Uint8Array(chunkSize).fill(7)
  for (let sent = 0; sent < total; sent += chunkSize) {
    if (!stream.send(chunk.subarray(0, Math.min(chunkSize, total - sent)))) await stream.onDrain({ signal: AbortSignal.timeout(10_000) })
  }
  await stream.close()
  let answer = ''
  for await (const part of stream) answer += new TextDecoder().decode(part.subarray())
  return Number(answer)
}

/** A temp folder removed by `cleanup`. */
export async function tempDir (): Promise<{ path: string, cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'cairn-relay-test-'))
  return { path, cleanup: async () => { await rm(path, { recursive: true, force: true }) } }
}

/** An in-process relay on free ports with a throwaway key; `close` stops it and removes the key. */
export async function startTestRelay (partial: Partial<RelayConfig> = {}): Promise<RunningRelay & { circuit: string, close: () => Promise<void> }> {
  const dir = await tempDir()
  // Tests open many connections from 127.0.0.1 in a burst; the rate cap is not what they test.
  const relay = await startRelay({ wsPort: 0, webrtcDirect: false, connectionRatePerIp: 10_000, keyFile: join(dir.path, 'key'), ...partial }, { log: createLogger({ level: 'silent' }) })
  return {
    ...relay,
    circuit: `${wsAddress(relay.multiaddrs).toString()}/p2p-circuit`,
    close: async () => { await relay.stop(); await dir.cleanup() }
  }
}

export { eventually } from '../support/polling.ts'

/** Tries to start `count` clients one after another; returns those that started (the rest were refused). */
export async function tryClients (count: number, listen: string[] = [], dial?: Multiaddr): Promise<Client[]> {
  const started: Client[] = []
  for (let i = 0; i < count; i++) {
    let client: Client | undefined
    try {
      client = await createClient(listen)
      if (dial !== undefined) await client.dial(dial, { signal: AbortSignal.timeout(5_000) })
      started.push(client)
    } catch {
      await client?.stop()
    }
  }
  return started
}

/** This process's environment without CAIRN_RELAY_* (a developer's own settings must not leak into tests), plus `extra`. */
function childEnv (extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('CAIRN_RELAY_')))
  return { ...env, ...extra }
}

export interface SpawnedRelay {
  child: ChildProcessWithoutNullStreams
  ready: { peerId: string, multiaddrs: string[], http: string, version: string }
  stdout: () => string
  stderr: () => string
  /** Resolves with the exit code (or signal name) once the process ends. */
  exited: Promise<number | string>
}

/** Spawns the real bin on free ports and waits for its READY line. */
export async function spawnRelay (args: string[], options: { cwd?: string, env?: Record<string, string> } = {}): Promise<SpawnedRelay> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: childEnv(options.env) })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s })
  child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s })
  const exited = new Promise<number | string>(resolve => { child.once('exit', (code, signal) => { resolve(code ?? signal ?? -1) }) })
  const ready = await new Promise<SpawnedRelay['ready']>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no READY line within 15 s\nstdout: ${out}\nstderr: ${err}`)) }, 15_000)
    const check = (): void => {
      const line = out.split('\n').find(l => l.startsWith(READY) && out.includes(l + '\n'))
      if (line === undefined) return
      clearTimeout(timer)
      resolve(JSON.parse(line.slice(READY.length)) as SpawnedRelay['ready'])
    }
    child.stdout.on('data', check)
    void exited.then(code => { clearTimeout(timer); reject(new Error(`relay exited (${code}) before READY\nstdout: ${out}\nstderr: ${err}`)) })
  })
  return { child, ready, stdout: () => out, stderr: () => err, exited }
}

/** Runs the bin to completion (for --help and bad options). */
export async function runRelay (args: string[], env: Record<string, string> = {}): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(env) })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s })
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s })
  const code = await new Promise<number | null>(resolve => { child.once('exit', resolve) })
  return { code, stdout, stderr }
}

export function wsAddress (addrs: string[]): Multiaddr {
  const ws = addrs.find(a => a.includes('/ws/'))
  if (ws === undefined) throw new Error(`no ws address in ${addrs.join(', ')}`)
  return multiaddr(ws)
}
