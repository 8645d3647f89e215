import type { Log, LogLevel, LogLine } from '../log.ts'

export const DEFAULT_LOG_CAPACITY = 2000

/**
 * The node's recent log lines in a bounded ring buffer, so a long-running
 * worker never grows without limit, plus live subscribers (the Logs page).
 */
export class LogBuffer {
  private readonly lines: LogLine[] = []
  private readonly listeners = new Set<(line: LogLine) => void>()
  private seq = 0

  constructor (private readonly capacity = DEFAULT_LOG_CAPACITY) {}

  write (level: LogLevel, source: string, message: string): void {
    const line: LogLine = { seq: this.seq++, time: Date.now(), level, source, message }
    this.lines.push(line)
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity)
    for (const listener of this.listeners) listener(line)
  }

  recent (): LogLine[] {
    return this.lines.slice()
  }

  subscribe (listener: (line: LogLine) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  /** A logger bound to one source, e.g. `buffer.for('vault').info('unlocked')`. */
  for (source: string): Log {
    return {
      debug: (message) => { this.write('debug', source, message) },
      info: (message) => { this.write('info', source, message) },
      warn: (message) => { this.write('warn', source, message) },
      error: (message) => { this.write('error', source, message) }
    }
  }
}
