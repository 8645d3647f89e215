import { readdirSync, readFileSync } from 'node:fs'

/**
 * CPU time per thread of a running Chromium, from Linux's /proc: a cheap
 * profile of where an add spends the machine (which thread, which process)
 * without tracing overhead. Linux only; elsewhere it reports nothing.
 */

/** clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100

interface ThreadTimes { process: string, thread: string, tid: number, ticks: number, sysTicks: number, faults: number }

/** CPU time spent by one thread (or several of one name) between two snapshots. */
export interface ThreadCpu {
  process: string
  thread: string
  ms: number
  /** Of `ms`, the time in the kernel (page faults, mappings, I/O). */
  sysMs: number
  /** Minor page faults: first touches of fresh memory (a fresh 1 MiB buffer costs 256). */
  faults: number
}

function readText (path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined // the process or thread ended meanwhile
  }
}

/** comm, ppid, utime + stime, stime and minor faults from a /proc stat line (comm may contain spaces and parentheses). */
function parseStat (text: string): { comm: string, ppid: number, ticks: number, sysTicks: number, faults: number } {
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  const rest = text.slice(close + 2).split(' ')
  // Fields after comm start at field 3 (state); ppid is 4, minflt 10, utime 14, stime 15.
  return { comm: text.slice(open + 1, close), ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]), sysTicks: Number(rest[12]), faults: Number(rest[7]) }
}

function processKind (pid: number): string {
  // Chromium rewrites its argv in place (setproctitle), so arguments may be
  // separated by spaces rather than NULs.
  const cmdline = readText(`/proc/${pid}/cmdline`) ?? ''
  const type = /--type=([^\s\0]+)/.exec(cmdline)?.[1]
  if (type === undefined) return 'browser'
  const service = /--utility-sub-type=([^\s\0]+)/.exec(cmdline)?.[1]?.split('.').at(-2)
  return service !== undefined ? `${type}:${service}` : type
}

/** The Chromium whose command line names `userDataDir`, and all its descendants. */
function chromiumPids (userDataDir: string): number[] {
  const parents = new Map<number, number>()
  let root: number | undefined
  for (const name of readdirSync('/proc')) {
    const pid = Number(name)
    if (!Number.isInteger(pid)) continue
    const stat = readText(`/proc/${pid}/stat`)
    if (stat === undefined) continue
    parents.set(pid, parseStat(stat).ppid)
    if (root === undefined && (readText(`/proc/${pid}/cmdline`) ?? '').includes(`--user-data-dir=${userDataDir}`) && processKind(pid) === 'browser') root = pid
  }
  if (root === undefined) return []
  const found = new Set([root])
  let grew = true
  while (grew) {
    grew = false
    for (const [pid, ppid] of parents) {
      if (!found.has(pid) && found.has(ppid)) { found.add(pid); grew = true }
    }
  }
  return [...found]
}

function snapshot (userDataDir: string): ThreadTimes[] {
  const out: ThreadTimes[] = []
  for (const pid of chromiumPids(userDataDir)) {
    const kind = processKind(pid)
    let tids: string[]
    try {
      tids = readdirSync(`/proc/${pid}/task`)
    } catch {
      continue
    }
    for (const tid of tids) {
      const stat = readText(`/proc/${pid}/task/${tid}/stat`)
      if (stat === undefined) continue
      const { comm, ticks, sysTicks, faults } = parseStat(stat)
      out.push({ process: `${kind} ${pid}`, thread: comm, tid: Number(tid), ticks, sysTicks, faults })
    }
  }
  return out
}

/** The whole machine's time over the window, in CPU-ms summed over all cores (from /proc/stat). */
export interface MachineCpu {
  busy: number
  idle: number
  iowait: number
  /** Time the hypervisor gave our virtual CPUs to someone else. */
  steal: number
}

function machineTicks (): number[] {
  const line = (readText('/proc/stat') ?? '').split('\n').find((l) => l.startsWith('cpu ')) ?? ''
  // user nice system idle iowait irq softirq steal
  return line.trim().split(/\s+/).slice(1, 9).map(Number)
}

/** Counts a window of the whole machine's time. */
export function startMachineCpu (): () => MachineCpu {
  const before = machineTicks()
  return () => {
    const d = machineTicks().map((v, i) => (v - (before[i] ?? 0)) * 1000 / TICKS_PER_SECOND)
    const at = (i: number): number => d[i] ?? 0
    return { busy: at(0) + at(1) + at(2) + at(5) + at(6), idle: at(3), iowait: at(4), steal: at(7) }
  }
}

/**
 * Starts counting; the returned function stops and gives CPU ms per thread,
 * busiest first. Chromium names every dedicated worker thread alike, so they
 * are told apart by start order (thread ids grow): `workerNames[i]` names
 * the i-th dedicated worker of the renderer.
 */
export function startThreadCpu (userDataDir: string, workerNames: string[] = []): () => ThreadCpu[] {
  const before = new Map(snapshot(userDataDir).map((t) => [`${t.process}/${t.tid}`, t]))
  return () => {
    const threads = snapshot(userDataDir)
    const workerTids = threads.filter((t) => t.thread.startsWith('DedicatedWorker')).map((t) => t.tid).sort((a, b) => a - b)
    const byName = new Map<string, ThreadCpu>()
    for (const t of threads) {
      const was = before.get(`${t.process}/${t.tid}`)
      const ticks = t.ticks - (was?.ticks ?? 0)
      if (ticks <= 0) continue
      // Dedicated workers keep their own rows; pooled threads add up by name.
      const rank = workerTids.indexOf(t.tid)
      const thread = rank >= 0 ? `DedicatedWorker: ${workerNames[rank] ?? `#${rank + 1}`}` : t.thread
      const key = `${t.process}/${thread}`
      const row = byName.get(key) ?? { process: t.process, thread, ms: 0, sysMs: 0, faults: 0 }
      row.ms += ticks * 1000 / TICKS_PER_SECOND
      row.sysMs += (t.sysTicks - (was?.sysTicks ?? 0)) * 1000 / TICKS_PER_SECOND
      row.faults += t.faults - (was?.faults ?? 0)
      byName.set(key, row)
    }
    return [...byName.values()].sort((a, b) => b.ms - a.ms)
  }
}
