import { readFileSync } from 'node:fs'

/** USER_HZ: clock ticks per second of /proc/<pid>/stat times (100 on Linux). */
const TICKS_PER_SECOND = 100

/**
 * CPU milliseconds (user + system) a process has used so far, from
 * /proc/<pid>/stat; undefined off Linux or once the process is gone.
 * Resolution is one tick (10 ms): fine for transfers of seconds.
 * `thread`: one thread's time instead (the main thread's id is the pid),
 * so work moved to libuv's thread pool shows apart from the event loop's.
 */
export function processCpuMs (pid: number, thread?: number): number | undefined {
  let text: string
  try {
    text = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // Fields after the parenthesised comm start at field 3 (state); utime is 14, stime 15.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return (Number(rest[11]) + Number(rest[12])) * 1000 / TICKS_PER_SECOND
}
