import { readdirSync, readFileSync } from 'node:fs'

/**
 * CPU time of this process's threads (Linux /proc/self/task): how much of an
 * add ran on the JavaScript thread and how much on libuv's thread pool
 * (`libuv-worker`: WebCrypto, fs) or V8's helpers. Elsewhere it reports nothing.
 */

/** USER_HZ: clock ticks per second of /proc stat times. */
const TICKS_PER_SECOND = 100

function threadTicks (): Map<string, number> {
  const byName = new Map<string, number>()
  let tids: string[]
  try {
    tids = readdirSync('/proc/self/task')
  } catch {
    return byName
  }
  for (const tid of tids) {
    let stat: string
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
    } catch {
      continue // the thread ended meanwhile
    }
    const close = stat.lastIndexOf(')')
    const comm = stat.slice(stat.indexOf('(') + 1, close)
    const rest = stat.slice(close + 2).split(' ')
    // utime and stime are fields 14 and 15; rest starts at field 3.
    const ticks = Number(rest[11]) + Number(rest[12])
    // The main thread carries the process's name; pooled threads add up by name.
    const name = tid === String(process.pid) ? 'main (JS)' : comm
    byName.set(name, (byName.get(name) ?? 0) + ticks)
  }
  return byName
}

/** Starts counting; the returned function gives CPU ms per thread name, busiest first. */
export function startOwnThreadCpu (): () => Array<{ thread: string, ms: number }> {
  const before = threadTicks()
  return () => [...threadTicks()]
    .map(([thread, ticks]) => ({ thread, ms: (ticks - (before.get(thread) ?? 0)) * 1000 / TICKS_PER_SECOND }))
    .filter((t) => t.ms > 0)
    .sort((a, b) => b.ms - a.ms)
}

export function formatThreads (threads: Array<{ thread: string, ms: number }>): string {
  if (threads.length === 0) return 'no per-thread counts on this system'
  const total = threads.reduce((sum, t) => sum + t.ms, 0)
  return `${(total / 1000).toFixed(2)} s in all: ` + threads.map((t) => `${t.thread} ${(t.ms / 1000).toFixed(2)} s`).join(', ')
}
