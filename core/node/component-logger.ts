import type { LogBuffer } from './log-buffer.ts'
import type { ComponentLogger, Logger } from '@libp2p/interface'

/** Renders libp2p's printf-style arguments (%s, %p, %a, %c, …) without a formatting library. */
export function formatLogArgs (formatter: unknown, args: unknown[]): string {
  let rest = args
  const text = String(formatter).replace(/%[a-zA-Z%]/g, (token) => {
    if (token === '%%') return '%'
    if (rest.length === 0) return token
    const [value, ...tail] = rest
    rest = tail
    return value instanceof Error ? value.message : String(value)
  })
  return rest.length > 0 ? `${text} ${rest.map(v => v instanceof Error ? v.message : String(v)).join(' ')}` : text
}

/** Where one component's lines go: libp2p's lines land at debug or warn. */
export type ComponentLineWriter = (level: 'debug' | 'warn', text: string) => void

export interface ComponentLoggerInit {
  /** Whether `log()` lines are kept; nothing is formatted when they are not. */
  debug: boolean
  /** The level of libp2p's `error()` lines; at 'debug' they follow the `debug` switch. */
  errorLevel: 'debug' | 'warn'
  /** A writer for one component (made once per component, e.g. a child logger). */
  writerFor: (name: string) => ComponentLineWriter
}

/**
 * The one libp2p/Helia ComponentLogger adapter: `log()` lines at debug,
 * `error()` at `errorLevel`, `trace()` dropped (far too chatty), scopes named
 * `component:scope`. The node and the backup peer differ only in the sink.
 */
export function componentLogger (init: ComponentLoggerInit): ComponentLogger {
  const make = (name: string): Logger => {
    const write = init.writerFor(name)
    const logger = ((formatter: unknown, ...args: unknown[]) => {
      if (init.debug) write('debug', formatLogArgs(formatter, args))
    }) as Logger
    logger.error = (formatter: unknown, ...args: unknown[]) => {
      if (init.errorLevel === 'warn' || init.debug) write(init.errorLevel, formatLogArgs(formatter, args))
    }
    logger.trace = () => {}
    logger.enabled = init.debug
    logger.newScope = (scope: string) => make(`${name}:${scope}`)
    return logger
  }
  return { forComponent: make }
}

/**
 * The node's ComponentLogger, writing into its LogBuffer so the Logs page
 * shows what the network stack is doing: `error()` at warn (libp2p reports
 * routine dial failures as errors).
 */
export function bufferLogger (buffer: LogBuffer, debugEnabled = true): ComponentLogger {
  return componentLogger({
    debug: debugEnabled,
    errorLevel: 'warn',
    writerFor: (name) => (level, text) => { buffer.write(level, name, text) }
  })
}
