import type { Clock } from '../../clock.ts'

/**
 * Counts requests per key in fixed windows (one window per key, starting at
 * its first request); windows that ended are swept once a window, so keys
 * that stop asking cost nothing.
 */
export class RateWindows {
  private readonly windows = new Map<string, { start: number, count: number }>()
  private swept = -Infinity

  constructor (private readonly windowMs: number, private readonly now: Clock) {}

  /** True when `key` has made fewer than `perWindow` requests in its current window. */
  allows (key: string, perWindow: number): boolean {
    const window = this.current(key)
    return window === undefined || window.count < perWindow
  }

  /** Counts one more request from `key`. */
  count (key: string): void {
    const now = this.now()
    let window = this.current(key)
    if (window === undefined) {
      window = { start: now, count: 0 }
      this.windows.set(key, window)
    }
    window.count++
  }

  private current (key: string): { start: number, count: number } | undefined {
    const now = this.now()
    if (now - this.swept >= this.windowMs) {
      for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k)
      this.swept = now
    }
    const window = this.windows.get(key)
    return window !== undefined && now - window.start < this.windowMs ? window : undefined
  }
}
