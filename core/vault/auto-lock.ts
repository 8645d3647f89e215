/**
 * Locks the vault after a stretch without user activity (DESIGN §3: on idle
 * timeout the vault key is overwritten). Platform-neutral: only setTimeout.
 */
export class AutoLock {
  private timer: ReturnType<typeof setTimeout> | undefined
  private minutes: number

  constructor (minutes: number, private readonly onIdle: () => void) {
    this.minutes = minutes
  }

  get timeoutMinutes (): number {
    return this.minutes
  }

  setTimeoutMinutes (minutes: number): void {
    this.minutes = minutes
    if (this.timer !== undefined) this.arm()
  }

  /** Call on unlock and on every user action. 0 minutes is "never". */
  arm (): void {
    this.disarm()
    if (this.minutes <= 0) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.onIdle()
    }, this.minutes * 60_000)
  }

  disarm (): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }
}
