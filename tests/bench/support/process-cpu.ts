import { readFileSync } from 'node:fs'

/** USER_HZ: clock ticks per second of /proc/<pid>/stat times (100 on Linux). */
const TICKS_PER_SECOND = 100

/**
 * CPU milliseconds (user + system) a process has used so far, from
 * /proc/<pid>/stat; undefined off Linux or once the process is gone.
 * Resolution is one tick (10 ms): fine for transfers of seconds.
 */
export function processCpuMs (pid: number): number | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // Fields after the parenthesised comm start at field 3 (state); utime is 14, stime 15.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return (Number(rest[11]) + Number(rest[12])) * 1000 / TICKS_PER_SECOND
}
