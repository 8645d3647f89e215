import { isCairnError } from '../../core/errors.ts'
import { createLogger } from '../shared/log.ts'
import { guardProcessOutput, safeWrite } from '../shared/output-guard.ts'
import { CAIRN_VERSION } from '../shared/version.ts'
import { parsePeerArgs, peerHelp, type PeerConfig } from './config.ts'
import { READY_PREFIX, SERVICE_NAME } from './constants.ts'
import type { PeerStatus } from './peer-status.ts'
import type { RunningPeer } from './start-peer.ts'

/**
 * `cairn-peer [run|pair|status] [options]`: the process entry point behind
 * relay-server/bin/cairn-peer.js. Exit codes: 0 done (or stopped by
 * SIGINT/SIGTERM), 1 runtime failure or no running peer, 2 invalid options.
 */
async function main (argv: string[]): Promise<number> {
  // A reader of stdout or stderr that goes away must not stop or spin the peer.
  guardProcessOutput()
  let parsed
  try {
    parsed = parsePeerArgs(argv, process.env)
  } catch (err) {
    if (!isCairnError(err, 'CONFIG_INVALID')) throw err
    safeWrite(process.stderr, `cairn-peer: ${err.message}\n`)
    return 2
  }
  if (parsed.help) {
    safeWrite(process.stdout, peerHelp())
    return 0
  }
  const { command, config, json } = parsed
  try {
    if (command === 'pair') return await pair(config, json)
    if (command === 'status') return await status(config, json)
  } catch (err) {
    safeWrite(process.stderr, `cairn-peer ${command}: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
  return await run(config, parsed.configFile)
}

// The node's modules (libp2p, Helia, WebRTC) take about a second to load;
// pair, status and --help load only what they use.

async function pair (config: PeerConfig, json: boolean): Promise<number> {
  const { controlRequest } = await import('./control-socket.ts')
  const { pairingCode } = await controlRequest(config.dataDir, 'pair') as { pairingCode: string }
  safeWrite(process.stdout, json
    ? JSON.stringify({ pairingCode }) + '\n'
    : `One-time pairing code: ${pairingCode}\nIn Cairn: Backup → Add backup peer, then paste this peer's address and the code.\n`)
  return 0
}

async function status (config: PeerConfig, json: boolean): Promise<number> {
  const [{ controlRequest }, { formatStatus }] = await Promise.all([import('./control-socket.ts'), import('./output.ts')])
  const result = await controlRequest(config.dataDir, 'status') as PeerStatus
  safeWrite(process.stdout, json ? JSON.stringify(result, null, 2) + '\n' : formatStatus(result))
  return 0
}

/** Runs the peer until SIGINT/SIGTERM; resolves with the exit code. */
async function run (config: PeerConfig, configFile: string | undefined): Promise<number> {
  const log = createLogger({ level: config.logLevel, name: SERVICE_NAME })
  // An always-on process must not die of one stray rejection inside the network stack.
  process.on('unhandledRejection', (reason) => { log.error('unhandled rejection', { err: reason }) })

  // Signal handlers go in before anything else: a supervisor (or a test)
  // may send SIGTERM the instant it reads READY, and a signal that finds no
  // handler kills the process with no clean stop.
  let peer: RunningPeer | undefined
  let stopAsked = false
  let finish!: (code: number) => void
  const finished = new Promise<number>((resolve) => { finish = resolve })
  const stop = (code: number): void => {
    if (peer === undefined) { stopAsked = true; return }
    peer.stop().then(() => { finish(code) }, (err: unknown) => {
      log.error('stop failed', { err })
      finish(1)
    })
  }
  let signals = 0
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signals > 1) {
      log.warn('second signal: exiting without a clean stop', { signal })
      finish(1)
      return
    }
    log.info('signal received', { signal })
    stop(0)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.on('uncaughtException', (err) => {
    log.error('uncaught exception; stopping', { err })
    stop(1)
  })

  try {
    const { startPeer } = await import('./start-peer.ts')
    peer = await startPeer(config, { log })
  } catch (err) {
    log.error('could not start', { err })
    safeWrite(process.stderr, `cairn-peer: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
  if (stopAsked) {
    stop(0)
    return await finished
  }
  if (configFile !== undefined) log.info('configuration read', { configFile })
  const { startBanner } = await import('./output.ts')
  safeWrite(process.stdout, startBanner(CAIRN_VERSION, peer))
  safeWrite(process.stdout, `${READY_PREFIX} ${JSON.stringify({ peerId: peer.peerId, multiaddrs: peer.multiaddrs, pairingCode: peer.pairingCode })}\n`)
  return await finished
}

process.exitCode = await main(process.argv.slice(2))
// Sockets or timers of the network stack may linger after stop(); the work is done.
process.exit()
