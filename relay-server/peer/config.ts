import { multiaddr } from '@multiformats/multiaddr'
import { ConfigInvalidError } from '../../core/errors.ts'
import { LOG_LEVELS, type LogThreshold } from '../shared/log.ts'
import { boolean, choice, duration, integer, ipAddress, list, multiaddrText, OptionValueError, port, size, text, type Parser } from '../shared/option-parsers.ts'
import { formatHelp, optionFactory, resolveOptions, withDefaults, type OptionValues } from '../shared/options.ts'
import { DEFAULT_DATA_DIR, DEFAULT_FETCH_CONCURRENCY, DEFAULT_MAX_ROOTS_PER_VAULT, DEFAULT_PAIRING_CODE_TTL_MS, DEFAULT_QUOTA_PER_VAULT, DEFAULT_RETENTION_MS, DEFAULT_WS_PORT } from './constants.ts'

const ENV_PREFIX = 'CAIRN_PEER_'
export const CONFIG_FLAG = 'config'
export const CONFIG_ENV = `${ENV_PREFIX}CONFIG`

const option = optionFactory(ENV_PREFIX)

const relayMultiaddr = multiaddrText('/ip4/127.0.0.1/tcp/4101/ws/p2p/12D3KooW…')

/** A relay's full multiaddr; it must name the relay (/p2p/<id>) so the reservation can be made on it. */
const relayAddress: Parser<string> = (value) => {
  const address = relayMultiaddr(value)
  if (!multiaddr(address).getComponents().some((c) => c.name === 'p2p')) {
    throw new OptionValueError(`the relay address must end in /p2p/<relay peer id> (the relay prints it at start), got ${JSON.stringify(address)}`)
  }
  return address
}

/** Every option of cairn-peer, in the order --help shows them. Property names are the config file's keys. */
export const PEER_OPTIONS = {
  dataDir: option('data-dir', 'DIR', 'Where the peer keeps its blocks (blocks/), its state and key (datastore/) and its control socket.', text, DEFAULT_DATA_DIR),
  host: option('host', 'ADDR', 'IP address to listen on (0.0.0.0 for every interface).', ipAddress, '127.0.0.1'),
  wsPort: option('ws-port', 'PORT', 'TCP port of the WebSocket listener (0: any free port).', port, DEFAULT_WS_PORT),
  webrtcDirect: option('webrtc-direct', undefined, 'Listen for WebRTC-direct (UDP, no TLS certificate needed).', boolean, true),
  webrtcPort: option('webrtc-port', 'PORT', 'UDP port of the WebRTC-direct listener (0: any free port).', port,
    (earlier) => earlier.wsPort as number, 'the --ws-port number'),
  relay: option('relay', 'ADDRS', 'Comma-separated relay multiaddrs (ending in /p2p/<id>) to hold a reservation on, as a fallback address.', list(relayAddress), [] as string[], '(none)'),
  announce: option('announce', 'ADDRS', 'Comma-separated multiaddrs to announce instead of the listen addresses (e.g. behind a TLS proxy).', list(multiaddrText('/dns4/peer.example.com/tcp/443/wss')), [] as string[]),
  quotaPerVault: option('quota-per-vault', 'SIZE', 'Bytes of blocks one paired vault may keep here.', size(), DEFAULT_QUOTA_PER_VAULT, '10GiB'),
  fetchConcurrency: option('fetch-concurrency', 'N', 'Blocks fetched from devices at once.', integer(1, 64), DEFAULT_FETCH_CONCURRENCY),
  retention: option('retention', 'DURATION', 'How long a block a vault unpinned is kept before it is deleted (e.g. 30d, 12h).', duration(10 * 365 * 86_400_000), DEFAULT_RETENTION_MS, '30d'),
  pairingCodeTtl: option('pairing-code-ttl', 'DURATION', 'How long a pairing code pairs after it was made (`cairn-peer pair` makes a fresh one).', duration(30 * 86_400_000), DEFAULT_PAIRING_CODE_TTL_MS, '15m'),
  logLevel: option('log-level', 'LEVEL', `Least important log lines kept (${LOG_LEVELS.join(', ')}).`, choice(LOG_LEVELS) as Parser<LogThreshold>, 'info' as LogThreshold),
  appendOnly: option('append-only', undefined, 'Refuse every deletion a device asks for (unpin, drop, an expiry brought forward) and keep everything: a stolen device or a malicious client cannot delete the backups.', boolean, false),
  maxRootsPerVault: option('max-roots-per-vault', 'N', 'Most roots (files, index blocks, share copies) one vault may have here.', integer(1), DEFAULT_MAX_ROOTS_PER_VAULT, '1000000')
} as const

/** The peer's whole configuration (sizes in bytes, durations in ms). */
export type PeerConfig = OptionValues<typeof PEER_OPTIONS>

/** What `cairn-peer` was asked to do. */
export type PeerCommand = 'run' | 'pair' | 'status'

export const PEER_COMMANDS: readonly PeerCommand[] = ['run', 'pair', 'status']

export type ParsedPeerArgs =
  | { help: true, command: PeerCommand }
  | { help: false, command: PeerCommand, config: PeerConfig, json: boolean, configFile?: string }

/**
 * Resolves `cairn-peer [run|pair|status] [options]` (flags > CAIRN_PEER_*
 * variables > `--config` JSON file > defaults). `--json` (pair and status)
 * asks for machine-readable output. Throws CairnError CONFIG_INVALID.
 */
export function parsePeerArgs (argv: readonly string[], env: Readonly<Record<string, string | undefined>>, readFile?: (path: string) => string): ParsedPeerArgs {
  let rest = [...argv]
  let command: PeerCommand = 'run'
  const first = rest[0]
  if (first !== undefined && !first.startsWith('-')) {
    if (!(PEER_COMMANDS as readonly string[]).includes(first)) {
      throw new ConfigInvalidError(`Unknown command "${first}" (commands: ${PEER_COMMANDS.join(', ')}; see --help)`)
    }
    command = first as PeerCommand
    rest = rest.slice(1)
  }
  const json = rest.includes('--json')
  if (json && command === 'run') throw new ConfigInvalidError('--json goes with the pair and status commands only')
  rest = rest.filter((arg) => arg !== '--json')
  const result = resolveOptions(PEER_OPTIONS, { argv: rest, env, configFlag: CONFIG_FLAG, configEnv: CONFIG_ENV, ...(readFile !== undefined ? { readFile } : {}) })
  if (result.help) return { help: true, command }
  return { help: false, command, config: result.values, json, ...(result.configFile !== undefined ? { configFile: result.configFile } : {}) }
}

/** A full configuration from the given values and the defaults (for startPeer callers). */
export function peerConfig (partial: Partial<PeerConfig> = {}): PeerConfig {
  return withDefaults(PEER_OPTIONS, partial)
}

/** The text of `cairn-peer --help`. */
export function peerHelp (): string {
  return formatHelp(PEER_OPTIONS, [
    'cairn-peer: an always-on Cairn backup peer. It keeps paired vaults\' encrypted blocks and',
    'index log while every browser is closed, and can never read them.',
    '',
    'Usage:',
    '  cairn-peer [run] [options]     run the peer (prints a pairing code while no vault is paired)',
    '  cairn-peer pair [--json]       print a new one-time pairing code, made by the running peer',
    '  cairn-peer status [--json]     print vaults, bytes, pending and failed items of the running peer',
    '',
    '`pair` and `status` talk to the peer running on the same --data-dir through its control',
    'socket (DIR/control/control.sock, in a directory of mode 0700: only the user running the peer can use it).',
    'Sizes take KiB/MiB/GiB (or KB/MB/GB); durations take ms/s/m/h/d (a plain number is seconds).'
  ].join('\n'), {
    configFlag: CONFIG_FLAG,
    configEnv: CONFIG_ENV,
    footer: [
      'At start it prints its multiaddrs and one line `CAIRN_PEER_READY {"peerId","multiaddrs","pairingCode"}`',
      'to stdout (pairingCode is null once a vault is paired); logs go to stderr as JSON lines.',
      'Exit codes: 0 after SIGINT/SIGTERM, 1 on a runtime failure (or no running peer for pair/status),',
      '2 on an invalid option.'
    ].join('\n')
  })
}
