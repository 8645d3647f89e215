/** How loud a log line is; the Logs page filters on it. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/**
 * A logger bound to one source. Declared at the bottom of core/ so every layer
 * (protocols, vault, node) can take one without importing the node; the node's
 * `LogBuffer.for(source)` implements it.
 */
export interface Log {
  debug: (message: string) => void
  info: (message: string) => void
  warn: (message: string) => void
  error: (message: string) => void
}
