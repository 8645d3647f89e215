import { homedir } from 'node:os'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigInvalidError } from '../core/errors.ts'
import { multiaddrText, OptionValueError, port, text } from '../relay-server/shared/option-parsers.ts'
import { defaultDataDir } from './data-dir.ts'

/**
 * `cairn-desktop [options]`: the command line of the desktop app, read with
 * node:util's parseArgs (strict: an unknown option is an error, exit 2).
 */

/** What the command line asks for; the port is resolved later (desktop-config.ts keeps the one chosen at the first launch). */
export interface DesktopArgs {
  dataDir: string
  /** `--port`: the port of this run (at the first launch, the one kept). */
  port?: number
  openWindow: boolean
  listenNetwork: boolean
  relays: string[]
  /** `--share-origin`: the web app's public address, where share links made here point. */
  shareOrigin?: string
}

export type ParsedDesktopArgs = { kind: 'help' } | { kind: 'version' } | { kind: 'run', args: DesktopArgs }

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  'no-window': { type: 'boolean' },
  'listen-network': { type: 'boolean' },
  relay: { type: 'string', multiple: true },
  'share-origin': { type: 'string' }
} as const

const relayAddress = multiaddrText('/dns4/relay.example.com/tcp/443/wss/p2p/12D3KooW…')

function check<T> (flag: string, parse: (value: unknown) => T, value: unknown, problems: string[]): T | undefined {
  try {
    return parse(value)
  } catch (err) {
    if (!(err instanceof OptionValueError)) throw err
    problems.push(`--${flag}: ${err.message}`)
    return undefined
  }
}

/** Reads argv; throws CairnError CONFIG_INVALID listing what is wrong. */
export function parseDesktopArgs (argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): ParsedDesktopArgs {
  let values
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }))
  } catch (err) {
    const code = (err as { code?: string }).code
    const arg = /'([^']+)'/.exec((err as Error).message)?.[1]
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new ConfigInvalidError(arg !== undefined ? `Unknown option ${arg} (see --help)` : `${(err as Error).message} (see --help)`)
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new ConfigInvalidError(`Unexpected argument ${arg !== undefined ? `"${arg}" ` : ''}(options start with --; see --help)`)
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new ConfigInvalidError(`${(err as Error).message} (see --help)`)
    throw err
  }
  if (values.help === true) return { kind: 'help' }
  if (values.version === true) return { kind: 'version' }
  const problems: string[] = []
  const dataDir = values['data-dir'] === undefined ? defaultDataDir(platform, env, home) : check('data-dir', text, values['data-dir'], problems)
  const chosenPort = values.port === undefined ? undefined : check('port', port, values.port, problems)
  if (chosenPort === 0) problems.push('--port: the app\'s port must be fixed (browser storage is bound to it), not 0')
  const relays = (values.relay ?? []).map((one) => check('relay', relayAddress, one, problems)).filter((one): one is string => one !== undefined)
  const shareOrigin = values['share-origin'] === undefined ? undefined : check('share-origin', webOrigin, values['share-origin'], problems)
  if (problems.length > 0) throw new ConfigInvalidError(problems.length === 1 ? problems[0]! : `Invalid options:\n  - ${problems.join('\n  - ')}`)
  return {
    kind: 'run',
    args: {
      dataDir: resolve(dataDir!),
      ...(chosenPort !== undefined ? { port: chosenPort } : {}),
      openWindow: values['no-window'] !== true,
      listenNetwork: values['listen-network'] === true,
      relays,
      ...(shareOrigin !== undefined ? { shareOrigin } : {})
    }
  }
}

/** An http(s) origin with nothing after the host (share links add their own path and fragment). */
function webOrigin (value: unknown): string {
  const raw = text(value)
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new OptionValueError(`"${raw}" is not a web address, e.g. https://cairn.example.com`)
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new OptionValueError(`"${raw}" must be an http(s) address with no path, e.g. https://cairn.example.com`)
  }
  return url.origin
}

/** The text of `cairn-desktop --help`. */
export function desktopHelp (dataDir: string): string {
  return [
    'cairn-desktop: the Cairn desktop app. It runs your Cairn node in this process (files on disk,',
    'syncing and backing up while every window is closed), serves the app on a loopback port and',
    'opens it in an app window (Chromium, Chrome or Edge; else your default browser), with a tray icon.',
    '',
    'Usage: cairn-desktop [options]',
    '',
    'Options:',
    `  --data-dir DIR       Where the node keeps its data. Default: ${dataDir}`,
    '  --port PORT          Loopback port of the app. The first launch picks one (47600 if free) and keeps it:',
    '                       the window\'s browser storage is bound to it. Given at the first launch, it is kept.',
    '  --no-window          Run without opening the window (the tray\'s Open Cairn opens it).',
    '  --listen-network     Accept libp2p connections from your network. Default: loopback only.',
    '  --relay MULTIADDR    A relay to reach your other devices through (repeat for more).',
    '  --share-origin URL   Where Cairn is served on the web (e.g. https://cairn.example.com): share links',
    '                       made here point there. Default: this computer\'s address, which opens only here.',
    '  --version, -v        Print the version and exit.',
    '  --help, -h           Show this help and exit.',
    '',
    'A second cairn-desktop on the same --data-dir opens the running one\'s window and exits.',
    'Exit codes: 0 after Quit, SIGINT or SIGTERM; 1 on a failure; 2 on an invalid option.',
    ''
  ].join('\n')
}
