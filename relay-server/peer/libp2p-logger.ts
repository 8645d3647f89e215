import type { ComponentLogger, Logger as Libp2pLogger } from '@libp2p/interface'
import { formatLogArgs } from '../../core/node/component-logger.ts'
import type { Logger } from '../shared/log.ts'

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
      if (init.debug) child.debug(formatLogArgs(formatter, args))
    }) as Libp2pLogger
    logger.error = (formatter: unknown, ...args: unknown[]) => {
      if (init.errorsAsWarnings === true) child.warn(formatLogArgs(formatter, args))
      else if (init.debug) child.debug(formatLogArgs(formatter, args))
    }
    logger.trace = () => {}
    logger.enabled = init.debug
    logger.newScope = (scope: string) => make(`${name}:${scope}`)
    return logger
  }
  return { forComponent: make }
}
