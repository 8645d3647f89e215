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

/**
 * A libp2p/Helia ComponentLogger that writes into the node's LogBuffer, so the
 * Logs page shows what the network stack is doing: `log()` lines at debug,
 * `error()` at warn (libp2p reports routine dial failures as errors).
 * `trace()` is dropped: it is far too chatty for a ring buffer.
 */
export function bufferLogger (buffer: LogBuffer, debugEnabled = true): ComponentLogger {
  const make = (name: string): Logger => {
    const logger = ((formatter: unknown, ...args: unknown[]) => {
      if (debugEnabled) buffer.write('debug', name, formatLogArgs(formatter, args))
    }) as Logger
    logger.error = (formatter: unknown, ...args: unknown[]) => { buffer.write('warn', name, formatLogArgs(formatter, args)) }
    logger.trace = () => {}
    logger.enabled = debugEnabled
    logger.newScope = (scope: string) => make(`${name}:${scope}`)
    return logger
  }
  return { forComponent: make }
}
