import type { ComponentLogger } from '@libp2p/interface'
import { componentLogger } from '../../core/node/component-logger.ts'
import type { Logger } from '../shared/log.ts'

/**
 * The peer's ComponentLogger (core's adapter over the process's structured
 * log, the component as the line's name): `error()` at debug too unless
 * `errorsAsWarnings` (libp2p reports routine dial and stream failures as
 * errors; at info they would drown the peer's own lines).
 */
export function libp2pLogger (log: Logger, init: { debug: boolean, errorsAsWarnings?: boolean }): ComponentLogger {
  return componentLogger({
    debug: init.debug,
    errorLevel: init.errorsAsWarnings === true ? 'warn' : 'debug',
    writerFor: (name) => {
      const child = log.child(name)
      return (level, text) => { child[level](text) }
    }
  })
}
