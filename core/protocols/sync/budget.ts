/**
 * Block bytes that sync sessions hold in memory between receiving them and
 * merging them. One budget is shared by every session of a node, so a paired
 * device that opens many sessions at once (libp2p lets a connection carry
 * dozens of streams) cannot make this device hold more than the budget.
 */
export class SyncBudget {
  private heldBytes = 0

  constructor (readonly limit: number) {}

  /** Bytes held now, by all sessions together. */
  get held (): number {
    return this.heldBytes
  }

  /** Takes `bytes` when they fit under the limit; false (nothing taken) when they do not. */
  take (bytes: number): boolean {
    if (this.heldBytes + bytes > this.limit) return false
    this.heldBytes += bytes
    return true
  }

  /** Gives back bytes taken (a session ended, its blocks merged or dropped). */
  release (bytes: number): void {
    this.heldBytes = Math.max(0, this.heldBytes - bytes)
  }
}
