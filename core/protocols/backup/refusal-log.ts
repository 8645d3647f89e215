import type { Log } from '../../log.ts'
import { systemClock, type Clock } from '../../clock.ts'

export interface RefusalLogInit {
  /** Length of one counting window (default a minute). */
  windowMs: number
  /** Refusals from one remote peer logged in full per window. */
  perRemote: number
  /** Refusals logged in full per window over all remote peers. */
  total: number
  /** Remote peers named one by one in a window's summary; the rest are summed up in one line. */
  namedInSummary?: number
  now?: Clock
}

interface Tally {
  count: number
  codes: Map<string, number>
}

/** Remote peers whose suppressed refusals are tallied one by one; beyond, they go into one shared tally. */
const MAX_TALLIED = 1000

/**
 * Logs refused requests at a bounded rate: the first few from each remote
 * peer in a window in full (and the first of each error code from it, so
 * every kind of refusal shows), within a total per window; the rest counted, and once the window is over one
 * line per noisy peer, "N more refused requests from … in the last minute".
 * One stranger sending 164 refused requests a second then costs a handful of
 * lines a minute, not gigabytes of log a day.
 */
export class RefusalLog {
  private readonly now: Clock
  private windowStart = -Infinity
  private logged = 0
  private readonly perRemote = new Map<string, number>()
  private readonly codesSeen = new Map<string, Set<string>>()
  private readonly suppressed = new Map<string, Tally>()
  private readonly others: Tally & { remotes: number } = { count: 0, codes: new Map(), remotes: 0 }
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor (private readonly log: Log, private readonly init: RefusalLogInit) {
    this.now = init.now ?? systemClock
  }

  /** One refused request from `remote` (its error `code`); `line` is what to log when this one is logged in full. */
  refused (remote: string, code: string, line: string): void {
    const now = this.now()
    if (now - this.windowStart >= this.init.windowMs) {
      this.flush()
      this.windowStart = now
      this.arm()
    }
    const fromRemote = this.perRemote.get(remote) ?? 0
    const codesSeen = this.codesSeen.get(remote)
    // The first few from each peer, and the first of each kind from it, in full (within the total).
    if ((fromRemote < this.init.perRemote || codesSeen?.has(code) !== true) && this.logged < this.init.total) {
      if (fromRemote === 0 && this.perRemote.size >= MAX_TALLIED) { this.perRemote.clear(); this.codesSeen.clear() }
      this.perRemote.set(remote, fromRemote + 1)
      if (codesSeen === undefined) this.codesSeen.set(remote, new Set([code]))
      else codesSeen.add(code)
      this.logged++
      this.log.warn(line)
      return
    }
    let tally = this.suppressed.get(remote)
    if (tally === undefined && this.suppressed.size < MAX_TALLIED) {
      tally = { count: 0, codes: new Map() }
      this.suppressed.set(remote, tally)
    }
    if (tally === undefined) {
      this.others.count++
      this.others.codes.set(code, (this.others.codes.get(code) ?? 0) + 1)
      return
    }
    tally.count++
    tally.codes.set(code, (tally.codes.get(code) ?? 0) + 1)
  }

  /** Logs the summary of the window so far and starts counting afresh (the timer calls it at the window's end). */
  flush (): void {
    const minute = this.init.windowMs === 60_000 ? 'the last minute' : `the last ${Math.round(this.init.windowMs / 1000)} s`
    const named = [...this.suppressed.entries()].sort((a, b) => b[1].count - a[1].count)
    const limit = this.init.namedInSummary ?? 10
    for (const [remote, tally] of named.slice(0, limit)) {
      this.log.warn(`backup: ${tally.count} more refused request(s) from ${remote} in ${minute} (${codes(tally.codes)})`)
    }
    for (const [, tally] of named.slice(limit)) {
      this.others.count += tally.count
      this.others.remotes++
      for (const [code, n] of tally.codes) this.others.codes.set(code, (this.others.codes.get(code) ?? 0) + n)
    }
    if (this.others.count > 0) {
      this.log.warn(`backup: ${this.others.count} more refused request(s) from ${this.others.remotes > 0 ? `${this.others.remotes} other` : 'other'} peers in ${minute} (${codes(this.others.codes)})`)
    }
    this.suppressed.clear()
    this.perRemote.clear()
    this.codesSeen.clear()
    this.others.count = 0
    this.others.remotes = 0
    this.others.codes.clear()
    this.logged = 0
    this.windowStart = -Infinity
  }

  /** Logs what is left and stops the timer. */
  stop (): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.flush()
  }

  private arm (): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.flush()
    }, this.init.windowMs)
    // Never keeps a process alive by itself.
    ;(this.timer as { unref?: () => void }).unref?.()
  }
}

function codes (tally: Map<string, number>): string {
  return [...tally.entries()].map(([code, n]) => `${code} ×${n}`).join(', ')
}
