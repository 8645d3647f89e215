/** How loud a log line is; the Logs page filters on it. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** One line of the node's log, as the Logs page shows it. */
export interface LogLine {
  seq: number
  time: number
  level: LogLevel
  source: string
  message: string
}

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
