import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { LogLevel, LogLine, RpcClient } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'
import { formatLogTime } from '../format.ts'

/** Lines kept in the page; older ones fall off the front. */
export const LOG_CAPACITY = 2000

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 }

/**
 * The node's log as a bounded ring buffer: the recent lines when the Logs page
 * opens, then each `log` event. Pausing freezes what is shown (lines keep
 * arriving underneath); the level filter shows that level and above.
 */
export interface LogsModel {
  /** Every line kept, oldest first. */
  lines: ReadonlySignal<LogLine[]>
  /** What the page shows: the filtered lines, frozen while paused. */
  visible: ReadonlySignal<LogLine[]>
  minLevel: ReadonlySignal<LogLevel>
  paused: ReadonlySignal<boolean>
  autoScroll: ReadonlySignal<boolean>
  error: ReadonlySignal<string | undefined>
  /** Starts collecting `log` events; returns the unsubscribe. */
  start: () => () => void
  /** Fetches `logs.recent` and merges it in (on opening the page). */
  load: () => Promise<void>
  setMinLevel: (level: LogLevel) => void
  togglePaused: () => void
  setAutoScroll: (on: boolean) => void
  /** The visible lines as plain text, one per line. */
  visibleText: () => string
}

export function createLogsModel (client: RpcClient, capacity = LOG_CAPACITY): LogsModel {
  const lines = signal<LogLine[]>([])
  const minLevel = signal<LogLevel>('info')
  const paused = signal(false)
  const frozen = signal<LogLine[]>([])
  const autoScroll = signal(true)
  const error = signal<string | undefined>(undefined)

  const merge = (incoming: readonly LogLine[]): void => {
    if (incoming.length === 0) return
    const current = lines.value
    const last = current.at(-1)
    let next: LogLine[]
    if (last !== undefined && incoming.every(l => l.seq > last.seq)) {
      // The common case (a live line): append in order.
      next = current.concat(incoming)
    } else {
      const bySeq = new Map<number, LogLine>()
      for (const line of current) bySeq.set(line.seq, line)
      for (const line of incoming) bySeq.set(line.seq, line)
      next = [...bySeq.values()].sort((a, b) => a.seq - b.seq)
    }
    lines.value = next.length > capacity ? next.slice(next.length - capacity) : next
  }

  const filtered = computed(() => {
    const floor = RANK[minLevel.value]
    return (paused.value ? frozen.value : lines.value).filter(l => RANK[l.level] >= floor)
  })

  return {
    lines,
    visible: filtered,
    minLevel,
    paused,
    autoScroll,
    error,
    start: () => client.on('log', (line) => { merge([line]) }),
    load: async () => {
      try {
        merge(await client.call('logs.recent', undefined))
        error.value = undefined
      } catch (err) {
        error.value = errorMessage(err)
      }
    },
    setMinLevel: (level) => { minLevel.value = level },
    togglePaused: () => {
      if (!paused.value) frozen.value = lines.value
      paused.value = !paused.value
    },
    setAutoScroll: (on) => { autoScroll.value = on },
    visibleText: () => filtered.value.map(formatLine).join('\n')
  }
}

/** One line as text: "14:05:09.123 WARN  vault: unlock refused". */
export function formatLine (line: LogLine): string {
  return `${formatLogTime(line.time)} ${line.level.toUpperCase().padEnd(5)} ${line.source}: ${line.message}`
}
