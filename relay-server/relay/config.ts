import { ConfigInvalidError } from '../../core/errors.ts'
import { LOG_LEVELS, type LogThreshold } from '../shared/log.ts'
import { boolean, choice, duration, integer, ipAddress, list, multiaddrText, port, size, text, type Parser } from '../shared/option-parsers.ts'
import { formatHelp, optionFactory, resolveOptions, withDefaults, type OptionValues } from '../shared/options.ts'
import { DEFAULT_HTTP_PORT_OFFSET, DEFAULT_KEY_FILE, DEFAULT_WS_PORT } from './constants.ts'

const ENV_PREFIX = 'CAIRN_RELAY_'
export const CONFIG_FLAG = 'config'
export const CONFIG_ENV = `${ENV_PREFIX}CONFIG`

const option = optionFactory(ENV_PREFIX)

/** Every option of cairn-relay, in the order --help shows them. Property names are the config file's keys. */
export const RELAY_OPTIONS = {
  host: option('host', 'ADDR', 'IP address to listen on (0.0.0.0 for every interface).', ipAddress, '127.0.0.1'),
  wsPort: option('ws-port', 'PORT', 'TCP port of the WebSocket listener (0: any free port).', port, DEFAULT_WS_PORT),
  webrtcDirect: option('webrtc-direct', undefined, 'Listen for WebRTC-direct (UDP, no TLS certificate needed).', boolean, true),
  webrtcPort: option('webrtc-port', 'PORT', 'UDP port of the WebRTC-direct listener (0: any free port).', port,
    (earlier) => earlier.wsPort as number, 'the --ws-port number'),
  httpPort: option('http-port', 'PORT', 'TCP port of the HTTP /health and /ping endpoints (0: any free port).', port,
    (earlier) => { const ws = earlier.wsPort as number; return ws === 0 || ws === 65_535 ? 0 : ws + DEFAULT_HTTP_PORT_OFFSET }, '--ws-port + 1 (any free port when --ws-port is 0)'),
  announce: option('announce', 'ADDRS', 'Comma-separated multiaddrs to announce instead of the listen addresses (e.g. behind a TLS proxy).', list(multiaddrText('/dns4/relay.example.com/tcp/443/wss')), [] as string[]),
  keyFile: option('key-file', 'PATH', 'The relay\'s private key (made with mode 0600 on first start); keeps its PeerId stable.', text, DEFAULT_KEY_FILE),
  maxConnections: option('max-connections', 'N', 'Most open connections in all.', integer(1), 512),
  maxConnectionsPerIp: option('max-connections-per-ip', 'N', 'Most open connections from one IP address (IPv6: from one /64).', integer(1), 32),
  maxConnectionsPerPeer: option('max-connections-per-peer', 'N', 'Most open connections from one peer (PeerId).', integer(1), 8),
  connectionRatePerIp: option('connection-rate-per-ip', 'N', 'Most new connections per second from one IP address.', integer(1), 10),
  maxPendingConnections: option('max-pending-connections', 'N', 'Most inbound connections still in their handshake at once.', integer(1), 64),
  maxReservations: option('max-reservations', 'N', 'Most relay reservations held at once.', integer(1), 128),
  maxReservationsPerIp: option('max-reservations-per-ip', 'N', 'Most relay reservations held by peers connected from one IP address (IPv6: from one /64).', integer(1), 16),
  maxRelayedConnections: option('max-relayed-connections', 'N', 'Most relayed connections (circuits) open at once.', integer(1), 256),
  maxRelayedConnectionsPerPeer: option('max-relayed-connections-per-peer', 'N', 'Most relayed connections one peer may have asked for, open at once.', integer(1), 16),
  maxRelayedConnectionsPerIp: option('max-relayed-connections-per-ip', 'N', 'Most relayed connections asked for from one IP address (IPv6: from one /64), open at once.', integer(1), 32),
  relayMaxBytes: option('relay-max-bytes', 'SIZE', 'Bytes (both directions) one relayed connection may carry before the relay closes it; 0: no cap.', size(), 4 * 2 ** 30, '4GiB'),
  relayMaxDuration: option('relay-max-duration', 'DURATION', 'How long one relayed connection may stay open before the relay closes it; 0: no cap.', duration(), 3_600_000, '1h'),
  trustedProxy: option('trusted-proxy', 'ADDRS', 'Comma-separated IP addresses of reverse proxies (e.g. a TLS terminator) in front of the WebSocket port. From these only, a PROXY protocol v1 line or the last X-Forwarded-For entry names the client that the caps count; from any other address both are ignored.', list(ipAddress), [] as string[]),
  logLevel: option('log-level', 'LEVEL', `Least important log lines kept (${LOG_LEVELS.join(', ')}).`, choice(LOG_LEVELS) as Parser<LogThreshold>, 'info' as LogThreshold)
} as const

/** The relay's whole configuration (sizes in bytes, durations in ms). */
export type RelayConfig = OptionValues<typeof RELAY_OPTIONS>

/** Checks that need more than one option. */
function checkTogether (config: RelayConfig): void {
  if (config.httpPort !== 0 && config.httpPort === config.wsPort) {
    throw new ConfigInvalidError(`--http-port and --ws-port are both ${config.wsPort}; the HTTP endpoints need their own TCP port`)
  }
}

export type ParsedRelayArgs = { help: true } | { help: false, config: RelayConfig, configFile?: string }

/**
 * Resolves the relay's configuration (flags > CAIRN_RELAY_* variables >
 * `--config` JSON file > defaults). Throws CairnError CONFIG_INVALID.
 */
export function parseRelayArgs (argv: readonly string[], env: Readonly<Record<string, string | undefined>>, readFile?: (path: string) => string): ParsedRelayArgs {
  const result = resolveOptions(RELAY_OPTIONS, { argv, env, configFlag: CONFIG_FLAG, configEnv: CONFIG_ENV, ...(readFile !== undefined ? { readFile } : {}) })
  if (result.help) return { help: true }
  checkTogether(result.values)
  return { help: false, config: result.values, ...(result.configFile !== undefined ? { configFile: result.configFile } : {}) }
}

/** A full configuration from the given values and the defaults (for startRelay callers). */
export function relayConfig (partial: Partial<RelayConfig> = {}): RelayConfig {
  const config = withDefaults(RELAY_OPTIONS, partial)
  checkTogether(config)
  return config
}

/** The text of `cairn-relay --help`. */
export function relayHelp (): string {
  return formatHelp(RELAY_OPTIONS, [
    'cairn-relay: a stateless libp2p circuit relay v2 for Cairn.',
    '',
    'Usage: cairn-relay [options]',
    '',
    'Listens on WebSocket and WebRTC-direct, relays encrypted bytes between peers and keeps',
    'nothing on disk but its own key. Serves GET /health and GET /ping over HTTP.',
    'Sizes take KiB/MiB/GiB (or KB/MB/GB); durations take ms/s/m/h/d (a plain number is seconds).'
  ].join('\n'), {
    configFlag: CONFIG_FLAG,
    configEnv: CONFIG_ENV,
    footer: [
      'At start it prints its multiaddrs and one line `CAIRN_RELAY_READY {json}` to stdout;',
      'logs go to stderr as JSON lines (libp2p\'s own trace: DEBUG=libp2p:* cairn-relay).',
      'Exit codes: 0 after SIGINT/SIGTERM, 1 on a runtime failure, 2 on an invalid option.'
    ].join('\n')
  })
}
