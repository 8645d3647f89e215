import { CairnError } from '../../core/errors.ts'
import { createLogger } from '../shared/log.ts'
import { CAIRN_VERSION } from '../shared/version.ts'
import { parseRelayArgs, relayHelp } from './config.ts'
import { READY_PREFIX, SERVICE_NAME } from './constants.ts'
import { startRelay } from './start-relay.ts'

/**
 * `cairn-relay` on the command line: parse options, start, print the
 * addresses and the READY line, stop cleanly on SIGINT/SIGTERM.
 * Exit codes: 0 after a signal or --help, 1 on a runtime failure, 2 on an
 * invalid option.
 */

/** How long a clean stop may take before the process exits anyway. */
const STOP_TIMEOUT_MS = 5_000

function fail (message: string, code: number): never {
  process.stderr.write(`${SERVICE_NAME}: ${message}\n`)
  process.exit(code)
}

async function main (): Promise<void> {
  let parsed
  try {
    parsed = parseRelayArgs(process.argv.slice(2), process.env)
  } catch (err) {
    if (err instanceof CairnError && err.code === 'CONFIG_INVALID') fail(`${err.message}\nSee ${SERVICE_NAME} --help.`, 2)
    throw err
  }
  if (parsed.help) {
    process.stdout.write(relayHelp())
    return
  }
  const { config } = parsed
  const log = createLogger({ level: config.logLevel, name: SERVICE_NAME })
  // A misbehaving remote peer must not take the relay down through a stray rejection inside libp2p.
  process.on('unhandledRejection', (reason) => { log.error('unhandled rejection', { err: reason }) })

  let relay
  try {
    relay = await startRelay(config, { log })
  } catch (err) {
    log.error('could not start', { err })
    fail((err as Error).message, err instanceof CairnError && err.code === 'CONFIG_INVALID' ? 2 : 1)
  }

  process.stdout.write([
    `${SERVICE_NAME} ${CAIRN_VERSION}, PeerId ${relay.peerId}`,
    'Listening on:',
    ...relay.multiaddrs.map(ma => `  ${ma}`),
    `HTTP: ${relay.httpUrl}/health  ${relay.httpUrl}/ping`,
    `${READY_PREFIX} ${JSON.stringify({ peerId: relay.peerId, multiaddrs: relay.multiaddrs, http: relay.httpUrl, version: CAIRN_VERSION })}`,
    ''
  ].join('\n'))
  log.info('relay started', { peerId: relay.peerId, multiaddrs: relay.multiaddrs, http: relay.httpUrl, configFile: parsed.configFile })

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    log.info('stopping', { signal })
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
  process.on('SIGINT', () => { stop('SIGINT') })
  process.on('SIGTERM', () => { stop('SIGTERM') })
}

await main()
