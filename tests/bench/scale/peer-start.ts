import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServerProcess } from '../../e2e/support/server-process.ts'

const PEER_BIN = new URL('../../../relay-server/bin/cairn-peer.js', import.meta.url).pathname
const READY_PREFIX = 'CAIRN_PEER_READY'

/**
 * Seconds from spawning the real `cairn-peer` process on `dataDir` to its
 * READY line (it prints that once it listens and its backup service runs,
 * so it answers from then on); the peer is then stopped cleanly.
 */
export async function timePeerStart (dataDir: string): Promise<number> {
  const start = performance.now()
  const peer = await startServerProcess(PEER_BIN, ['--data-dir', dataDir, '--ws-port', '0', '--no-webrtc-direct', '--log-level', 'warn'], READY_PREFIX, 120_000)
  const seconds = (performance.now() - start) / 1000
  const code = await peer.stop()
  if (code !== 0) throw new Error(`the peer exited with ${code} after the start was timed:\n${peer.log()}`)
  return seconds
}

/** The same on an empty data directory: what starting costs with no blocks at all. */
export async function timeEmptyPeerStart (): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-scale-empty-'))
  try {
    return await timePeerStart(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
