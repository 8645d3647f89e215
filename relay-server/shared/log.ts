import type { LogLevel } from '../../core/rpc/api.ts'
import { systemClock, type Clock } from '../../core/clock.ts'
import { safeWrite } from './output-guard.ts'

/**
 * Structured logs for the server processes: one JSON object per line,
 * `{"level","time","name","msg",...fields}`, written to stderr by default so
 * stdout stays free for what scripts parse (the READY line).
 */

/** The least important level a server keeps: a line's level (core's `LogLevel`), or 'silent' for none. */
export type LogThreshold = LogLevel | 'silent'

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const satisfies readonly LogThreshold[]

/** Extra key/values of one log line; bigints are written as strings. */
export type LogFields = Record<string, unknown>

export interface Logger {
  debug: (msg: string, fields?: LogFields) => void
  info: (msg: string, fields?: LogFields) => void
  warn: (msg: string, fields?: LogFields) => void
  error: (msg: string, fields?: LogFields) => void
  /** A logger whose lines carry `name` (e.g. 'cairn-relay.http'). */
  child: (name: string) => Logger
}

export interface LoggerInit {
  /** Lines below this level are dropped. Default 'info'. */
  level?: LogThreshold
  /** Shown as `name` on every line. */
  name?: string
  /** Where lines go. Default: process.stderr, through safeWrite (a closed stderr drops lines, never loops). */
  write?: (line: string) => void
  /** Clock, for tests. */
  now?: () => Date
}

const RANK: Record<LogThreshold, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

/** True when `text` is one of LOG_LEVELS. */
export function isLogLevel (text: string): text is LogThreshold {
  return (LOG_LEVELS as readonly string[]).includes(text)
}

function serialise (value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Error) return { name: value.name, message: value.message, ...('code' in value ? { code: value.code } : {}) }
  return value
}

/** Creates a logger writing JSON lines at or above `init.level`. */
export function createLogger (init: LoggerInit = {}): Logger {
  const threshold = RANK[init.level ?? 'info']
  const write = init.write ?? ((line: string) => { safeWrite(process.stderr, line) })
  const now = init.now ?? (() => new Date())

  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (RANK[level] < threshold) return
    const record: Record<string, unknown> = { level, time: now().toISOString(), ...(init.name !== undefined ? { name: init.name } : {}), msg }
    for (const [key, value] of Object.entries(fields ?? {})) {
      // Fields never overwrite the fixed keys, so every line parses the same way.
      if (!(key in record)) record[key] = serialise(value)
    }
    write(JSON.stringify(record) + '\n')
  }

  return {
    debug: (msg, fields) => { emit('debug', msg, fields) },
    info: (msg, fields) => { emit('info', msg, fields) },
    warn: (msg, fields) => { emit('warn', msg, fields) },
    error: (msg, fields) => { emit('error', msg, fields) },
    child: (name) => createLogger({ ...init, name: init.name === undefined ? name : `${init.name}.${name}` })
  }
}

/**
 * Rate-limits one kind of log line: the first call in each window logs, later
 * ones are counted and the count is reported as `suppressed` on the next line.
 * A flood of refused connections then costs a few lines, not thousands.
 */
export function throttled (log: (msg: string, fields?: LogFields) => void, windowMs: number, now: Clock = systemClock): (msg: string, fields?: LogFields) => void {
  let windowStart = -Infinity
  let suppressed = 0
  return (msg, fields) => {
    const t = now()
    if (t - windowStart < windowMs) {
      suppressed++
      return
    }
    windowStart = t
    log(msg, suppressed > 0 ? { ...fields, suppressed } : fields)
    suppressed = 0
  }
}
