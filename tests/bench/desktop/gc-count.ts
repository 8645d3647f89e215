import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks'

/**
 * Counts this thread's garbage collections: a file's bytes pass through
 * ArrayBuffers, and every few tens of MB of them make V8 mark the whole heap,
 * so the major collections per add say how much a change saved even on a
 * busy machine, where times scatter.
 */
export function startGcCount (): () => { major: number, minor: number, ms: number } {
  const counts = { major: 0, minor: 0, ms: 0 }
  const count = (entries: PerformanceEntry[]): void => {
    for (const entry of entries) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) counts.major++
      else counts.minor++
      counts.ms += entry.duration
    }
  }
  const observer = new PerformanceObserver((list) => { count(list.getEntries()) })
  observer.observe({ entryTypes: ['gc'] })
  return () => {
    count(observer.takeRecords())
    observer.disconnect()
    return counts
  }
}
