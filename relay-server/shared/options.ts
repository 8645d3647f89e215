import { readFileSync } from 'node:fs'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { CairnError, ConfigInvalidError } from '../../core/errors.ts'
import { OptionValueError, type Parser } from './option-parsers.ts'

/**
 * Options of a server process from three places, with one precedence:
 * command-line flags > environment variables > JSON config file > defaults.
 * One table describes each option once; `--help` is generated from it.
 */

/** One option: its flag, variable, file key (the table's property name), parser and default. */
export interface OptionSpec<T> {
  /** Kebab-case flag without dashes: 'ws-port' → `--ws-port`. */
  flag: string
  /** Environment variable, e.g. 'CAIRN_RELAY_WS_PORT'. */
  env: string
  /** Argument name shown in --help, e.g. 'PORT'. Absent for booleans (which also accept --no-FLAG). */
  arg?: string
  description: string
  parse: Parser<T>
  /**
   * The default, or a function of the options declared before this one
   * (e.g. the HTTP port defaults to the WebSocket port + 1).
   */
  default: T | ((earlier: Record<string, unknown>) => T)
  /** How --help shows the default when it is computed. */
  defaultText?: string
}

/** Each row has its own value type (a parser only produces it, so `unknown` holds every row); OptionValues recovers them. */
export type OptionTable = Record<string, OptionSpec<unknown>>

/** The typed values an option table resolves to. */
export type OptionValues<S extends OptionTable> = { [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never }

export interface ResolveInit {
  argv: readonly string[]
  env: Readonly<Record<string, string | undefined>>
  /** The flag and variable naming the config file, e.g. 'config' and 'CAIRN_RELAY_CONFIG'. */
  configFlag: string
  configEnv: string
  /** Reads the config file (injected for tests). Default: fs.readFileSync as UTF-8. */
  readFile?: (path: string) => string
}

export type ResolveResult<S extends OptionTable> =
  | { help: true }
  | { help: false, values: OptionValues<S>, configFile?: string }

function invalid (problems: string[]): CairnError {
  return new ConfigInvalidError(problems.length === 1 ? problems[0]! : `Invalid options:\n  - ${problems.join('\n  - ')}`)
}

interface ParsedArgv { flags: Map<string, string | boolean>, help: boolean }

type ArgToken = ReturnType<typeof parseArgs>['tokens'] extends Array<infer T> | undefined ? T : never

/**
 * node:util's tokeniser over argv, run leniently so every problem can be
 * listed at once. An option that takes a value never swallows the next
 * option: `--ws-port --x` reads as "--ws-port has no value", then `--x`.
 */
function tokenise (table: OptionTable, argv: readonly string[], configFlag: string): ArgToken[] {
  const options: ParseArgsConfig['options'] = { help: { type: 'boolean', short: 'h' }, [configFlag]: { type: 'string' } }
  for (const spec of Object.values(table)) options[spec.flag] = { type: spec.arg === undefined ? 'boolean' : 'string' }
  const out: ArgToken[] = []
  let start = 0
  scan: while (start <= argv.length) {
    const { tokens } = parseArgs({ args: argv.slice(start), options, strict: false, allowPositionals: true, tokens: true })
    for (const token of tokens) {
      const at = { ...token, index: token.index + start }
      if (at.kind === 'option-terminator') {
        // A bare `--` is refused like any unknown option, and what follows is still read as options.
        out.push(at)
        start = at.index + 1
        continue scan
      }
      if (at.kind === 'option' && at.name !== configFlag && at.inlineValue === false && at.value?.startsWith('--') === true) {
        out.push({ ...at, value: undefined, inlineValue: undefined })
        start = at.index + 1
        continue scan
      }
      out.push(at)
    }
    break
  }
  return out
}

/** Splits argv into flag → raw value. Booleans stand alone (`--x`, `--no-x`) or take `--x=false`. */
function parseArgv (table: OptionTable, argv: readonly string[], configFlag: string, problems: string[]): ParsedArgv {
  const byFlag = new Map(Object.entries(table).map(([key, spec]) => [spec.flag, { key, spec }]))
  const flags = new Map<string, string | boolean>()
  const unexpected = new Set<number>()
  let help = false
  for (const token of tokenise(table, argv, configFlag)) {
    const text = argv[token.index]!
    if (text === '--help' || text === '-h') { help = true; continue }
    if (token.kind === 'option-terminator') { problems.push('Unknown option -- (see --help)'); continue }
    if (!text.startsWith('--')) {
      // A positional, or short options (`-x`, `-hx`): each argv entry is named once.
      if (!unexpected.has(token.index)) problems.push(`Unexpected argument "${text}" (options start with --; see --help)`)
      unexpected.add(token.index)
      continue
    }
    if (token.kind !== 'option') continue
    // `--=x` names no option at all (node:util would call it "=x").
    let name = text.startsWith('--=') ? '' : token.name
    let value: string | boolean | undefined = token.value
    if (name === configFlag) {
      if (value === undefined || value === '') problems.push(`--${configFlag} needs a file path`)
      else flags.set(configFlag, value)
      continue
    }
    let row = byFlag.get(name)
    if (row === undefined && name.startsWith('no-') && value === undefined) {
      const positive = byFlag.get(name.slice(3))
      if (positive !== undefined && positive.spec.arg === undefined) { row = positive; name = name.slice(3); value = false }
    }
    if (row === undefined) { problems.push(`Unknown option --${name} (see --help)`); continue }
    if (value === undefined) {
      if (row.spec.arg === undefined) value = true
      else { problems.push(`--${name} needs a value (${row.spec.arg})`); continue }
    }
    if (flags.has(name)) problems.push(`--${name} is given more than once`)
    flags.set(name, value)
  }
  return { flags, help }
}

function readConfigFile (path: string, read: (path: string) => string, table: OptionTable, problems: string[]): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(read(path))
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message
    problems.push(`Cannot read the config file ${path}: ${reason}`)
    return {}
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(`The config file ${path} must hold a JSON object such as {"wsPort": 4101}`)
    return {}
  }
  const file = parsed as Record<string, unknown>
  for (const key of Object.keys(file)) {
    if (!(key in table)) problems.push(`Unknown key "${key}" in the config file ${path} (keys: ${Object.keys(table).join(', ')})`)
  }
  return file
}

/**
 * Resolves every option of `table` from flags, environment, config file and
 * defaults. Throws CairnError CONFIG_INVALID listing every bad value, each
 * with where it came from.
 */
export function resolveOptions<S extends OptionTable> (table: S, init: ResolveInit): ResolveResult<S> {
  const problems: string[] = []
  const { flags, help } = parseArgv(table, init.argv, init.configFlag, problems)
  if (help) return { help: true }
  const flagConfig = flags.get(init.configFlag)
  const envConfig = init.env[init.configEnv]
  const configFile = typeof flagConfig === 'string' ? flagConfig : envConfig !== undefined && envConfig !== '' ? envConfig : undefined
  const read = init.readFile ?? ((path: string) => readFileSync(path, 'utf8'))
  const file = configFile === undefined ? {} : readConfigFile(configFile, read, table, problems)

  const values: Record<string, unknown> = {}
  for (const [key, spec] of Object.entries(table)) {
    const envValue = init.env[spec.env]
    let raw: unknown
    let source: string
    if (flags.has(spec.flag)) { raw = flags.get(spec.flag); source = `--${spec.flag}` } else if (envValue !== undefined && envValue !== '') { raw = envValue; source = spec.env } else if (key in file) { raw = file[key]; source = `"${key}" in ${configFile ?? 'the config file'}` } else {
      values[key] = typeof spec.default === 'function' ? (spec.default as (earlier: Record<string, unknown>) => unknown)(values) : spec.default
      continue
    }
    try {
      // A bare boolean flag arrives as `true`; the parser takes it as is.
      values[key] = spec.parse(raw)
    } catch (err) {
      if (!(err instanceof OptionValueError)) throw err
      problems.push(`${source}: ${err.message}`)
    }
  }
  if (problems.length > 0) throw invalid(problems)
  return { help: false, values: values as OptionValues<S>, ...(configFile !== undefined ? { configFile } : {}) }
}

/**
 * Fills what `partial` leaves out with the table's defaults, in table order
 * (so computed defaults see the given values). For programmatic callers:
 * values are taken as typed, not parsed.
 */
export function withDefaults<S extends OptionTable> (table: S, partial: Partial<OptionValues<S>>): OptionValues<S> {
  const values: Record<string, unknown> = {}
  for (const [key, spec] of Object.entries(table)) {
    const given = (partial as Record<string, unknown>)[key]
    values[key] = given !== undefined ? given : typeof spec.default === 'function' ? (spec.default as (earlier: Record<string, unknown>) => unknown)(values) : spec.default
  }
  return values as OptionValues<S>
}

function defaultText (spec: OptionSpec<unknown>): string {
  if (spec.defaultText !== undefined) return spec.defaultText
  const value = spec.default
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.join(',')
  return String(value)
}

const HELP_WIDTH = 100

/** Splits `text` into lines of at most `width` characters at spaces (a longer word gets its own line). */
function wrap (text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line === '' ? word : `${line} ${word}`
  }
  lines.push(line)
  return lines
}

/** `--help` text: usage, then every option with its argument, default and environment variable. */
export function formatHelp (table: OptionTable, usage: string, init: { configFlag: string, configEnv: string, footer?: string }): string {
  const rows: Array<[string, string]> = [
    [`--${init.configFlag} FILE`, `JSON config file; keys are the names in [brackets] below. Env ${init.configEnv}.`],
    ['--help, -h', 'Show this help and exit.']
  ]
  for (const [key, spec] of Object.entries(table)) {
    const left = spec.arg === undefined ? `--[no-]${spec.flag}` : `--${spec.flag} ${spec.arg}`
    rows.push([left, `${spec.description} Default: ${defaultText(spec)}. Env ${spec.env}. [${key}]`])
  }
  const width = Math.max(...rows.map(([left]) => left.length)) + 2
  const lines = rows.flatMap(([left, right]) => wrap(right, HELP_WIDTH - 2 - width).map((part, i) => `  ${(i === 0 ? left : '').padEnd(width)}${part}`))
  return [usage, '', 'Options (precedence: flags > environment > config file > defaults):', ...lines, ...(init.footer !== undefined ? ['', init.footer] : []), ''].join('\n')
}

/**
 * An option whose environment variable is `<envPrefix><FLAG_IN_CAPS>` (e.g.
 * `--ws-port` → `CAIRN_RELAY_WS_PORT`): one naming rule for every server.
 */
export function optionFactory (envPrefix: string) {
  return function option<T> (flag: string, arg: string | undefined, description: string, parse: Parser<T>, defaultValue: OptionSpec<T>['default'], defaultText?: string): OptionSpec<T> {
    return {
      flag,
      env: envPrefix + flag.toUpperCase().replaceAll('-', '_'),
      ...(arg !== undefined ? { arg } : {}),
      description,
      parse,
      default: defaultValue,
      ...(defaultText !== undefined ? { defaultText } : {})
    }
  }
}
