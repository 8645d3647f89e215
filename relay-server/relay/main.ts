import { CairnError } from '../../core/errors.ts'
import { createLogger } from '../shared/log.ts'
import { guardProcessOutput, safeWrite } from '../shared/output-guard.ts'
import { CAIRN_VERSION } from '../shared/version.ts'
import { parseRelayArgs, relayHelp } from './config.ts'
import { READY_PREFIX, SERVICE_NAME } from './constants.ts'
import type { RunningRelay } from './start-relay.ts'

/**
 * `cairn-relay` on the command line: parse options, start, print the
 * addresses and the READY line, stop cleanly on SIGINT/SIGTERM.
 * Exit codes: 0 after a signal or --help, 1 on a runtime failure, 2 on an
 * invalid option.
 */

/** How long a clean stop may take before the process exits anyway. */
const STOP_TIMEOUT_MS = 5_000

function fail (message: string, code: number): never {
  safeWrite(process.stderr, `${SERVICE_NAME}: ${message}\n`)
  process.exit(code)
}

async function main (): Promise<void> {
  // A reader of stdout or stderr that goes away must not stop or spin the relay.
  guardProcessOutput()
  let parsed
  try {
    parsed = parseRelayArgs(process.argv.slice(2), process.env)
  } catch (err) {
    if (err instanceof CairnError && err.code === 'CONFIG_INVALID') fail(`${err.message}\nSee ${SERVICE_NAME} --help.`, 2)
    throw err
  }
  if (parsed.help) {
    safeWrite(process.stdout, relayHelp())
    return
  }
  const { config } = parsed
  const log = createLogger({ level: config.logLevel, name: SERVICE_NAME })
  // A misbehaving remote peer must not take the relay down through a stray rejection inside libp2p.
  process.on('unhandledRejection', (reason) => { log.error('unhandled rejection', { err: reason }) })

  // Signals are handled from the start: a stop asked for while starting runs once the relay is up.
  let relay: RunningRelay | undefined
  let stopAsked: string | undefined
  let stopping = false
  const stop = (): void => {
    if (relay === undefined || stopping) return
    stopping = true
    log.info('stopping', { signal: stopAsked })
    const timer = setTimeout(() => {
      log.warn('stop timed out; exiting anyway', { ms: STOP_TIMEOUT_MS })
      process.exit(0)
    }, STOP_TIMEOUT_MS)
    timer.unref()
    void relay.stop().then(() => {
      log.info('stopped')
      process.exit(0)
    }, (err: unknown) => {
      log.error('stop failed', { err })
      process.exit(1)
    })
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => { stopAsked ??= signal; stop() })
  }

  try {
    // Loaded only now: libp2p takes most of a second to import, and --help or a bad flag needs none of it.
    const { startRelay } = await import('./start-relay.ts')
    relay = await startRelay(config, { log })
  } catch (err) {
    log.error('could not start', { err })
    fail((err as Error).message, err instanceof CairnError && err.code === 'CONFIG_INVALID' ? 2 : 1)
  }
  if (stopAsked !== undefined) {
    stop()
    return
  }
  const started = relay

  // The log line first: whoever waits for READY may read the logs straight after.
  log.info('relay started', { peerId: started.peerId, multiaddrs: started.multiaddrs, http: started.httpUrl, configFile: parsed.configFile })
  safeWrite(process.stdout, [
    `${SERVICE_NAME} ${CAIRN_VERSION}, PeerId ${started.peerId}`,
    'Listening on:',
    ...started.multiaddrs.map(ma => `  ${ma}`),
    `HTTP: ${started.httpUrl}/health  ${started.httpUrl}/ping`,
    `${READY_PREFIX} ${JSON.stringify({ peerId: started.peerId, multiaddrs: started.multiaddrs, http: started.httpUrl, version: CAIRN_VERSION })}`,
    ''
  ].join('\n'))
}

await main()
