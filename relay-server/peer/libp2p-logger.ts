import type { ComponentLogger, Logger as Libp2pLogger } from '@libp2p/interface'
import type { Logger } from '../shared/log.ts'

/** Renders libp2p's printf-style arguments (%s, %p, %a, %e, …) without a formatting library. */
function format (formatter: unknown, args: unknown[]): string {
  let rest = args
  const text = String(formatter).replace(/%[a-zA-Z%]/g, (token) => {
    if (token === '%%') return '%'
    if (rest.length === 0) return token
    const [value, ...tail] = rest
    rest = tail
    return value instanceof Error ? value.message : String(value)
  })
  return rest.length > 0 ? `${text} ${rest.map((v) => v instanceof Error ? v.message : String(v)).join(' ')}` : text
}

/**
 * A libp2p/Helia ComponentLogger that writes into the process's structured
 * log, with the component as the line's name: `log()` lines at debug,
 * `error()` at debug too unless `errorsAsWarnings` (libp2p reports routine
 * dial and stream failures as errors; at info they would drown the peer's
 * own lines). `trace()` is dropped. Nothing is formatted when debug is off.
 */
export function libp2pLogger (log: Logger, init: { debug: boolean, errorsAsWarnings?: boolean }): ComponentLogger {
  const make = (name: string): Libp2pLogger => {
    const child = log.child(name)
    const logger = ((formatter: unknown, ...args: unknown[]) => {
      if (init.debug) child.debug(format(formatter, args))
    }) as Libp2pLogger
    logger.error = (formatter: unknown, ...args: unknown[]) => {
      if (init.errorsAsWarnings === true) child.warn(format(formatter, args))
      else if (init.debug) child.debug(format(formatter, args))
    }
    logger.trace = () => {}
    logger.enabled = init.debug
    logger.newScope = (scope: string) => make(`${name}:${scope}`)
    return logger
  }
  return { forComponent: make }
}
