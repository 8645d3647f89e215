import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { webSockets } from '@libp2p/websockets'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core'
import { createNode, type CairnHelia } from '../../../core/node/create-node.ts'
import { startServerProcess, type ServerProcess } from '../../e2e/support/server-process.ts'
import { runToExit, type RunResult } from '../support/unprivileged.ts'

// The developer's own CAIRN_PEER_* settings must not leak into the peers these tests start.
for (const name of Object.keys(process.env)) if (name.startsWith('CAIRN_PEER_')) Reflect.deleteProperty(process.env, name)

export const PEER_BIN = new URL('../../../relay-server/bin/cairn-peer.js', import.meta.url).pathname
export const READY_PREFIX = 'CAIRN_PEER_READY'

export interface PeerReady {
  peerId: string
  multiaddrs: string[]
  pairingCode: string | null
}

/** A temp folder removed by `cleanup`. */
export async function tempDir (prefix = 'cairn-peer-test-'): Promise<{ path: string, cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix))
  return { path, cleanup: async () => { await rm(path, { recursive: true, force: true }) } }
}

/** The bin on free ports (WebRTC-direct off unless asked: UDP is not what most tests look at). */
export async function spawnPeer (dataDir: string, extra: string[] = []): Promise<ServerProcess<PeerReady>> {
  const args = ['--data-dir', dataDir, '--ws-port', '0', '--webrtc-port', '0', '--log-level', 'info', ...extra]
  if (!extra.some((arg) => arg.includes('webrtc-direct'))) args.push('--no-webrtc-direct')
  return await startServerProcess<PeerReady>(PEER_BIN, args, READY_PREFIX, 30_000)
}

export type CliResult = RunResult

/** Runs the bin to completion (pair, status, --help, bad options). */
export async function runCli (args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<CliResult> {
  return await runToExit([process.execPath, PEER_BIN, ...args], timeoutMs, env)
}

/** A Node "device": the core node on memory stores with a WebSocket transport, started. */
export async function startDevice (): Promise<CairnHelia> {
  const helia = createNode({ agentName: 'cairn-test-device', allowPrivateAddresses: true }, {
    blockstore: new MemoryBlockstore(),
    datastore: new MemoryDatastore(),
    transports: [webSockets()]
  })
  await helia.start()
  return helia
}

/** The peer's WebSocket address from its READY line. */
export function wsAddress (ready: PeerReady): string {
  const found = ready.multiaddrs.find((ma) => ma.includes('/ws/'))
  if (found === undefined) throw new Error(`no WebSocket address in ${JSON.stringify(ready.multiaddrs)}`)
  return found
}

export { eventually } from '../support/polling.ts'
