/**
 * Which queued roots the replicator starts next, when many vaults back up
 * to one peer at once (fan-in, DESIGN §5). Oldest-first over all vaults let
 * one vault with thousands of queued roots take every fetch slot until it
 * was done, starving the rest; here vaults take turns: the vault with the
 * fewest fetches running goes first, ties broken by who was served longest
 * ago, and within a vault its own roots keep their order.
 *
 * Deterministic and free of I/O, so the policy is tested on its own.
 */
export class FairPicker {
  /** Vault → the tick it was last served; absent: never served (first in line). One number per vault ever seen. */
  private readonly lastServed = new Map<string, number>()
  private tick = 0

  /**
   * Picks up to `slots` of `ready` (each vault's items already in the order
   * it wants them) given how many fetches each vault has running.
   */
  pick<T extends { vault: string }> (ready: readonly T[], running: ReadonlyMap<string, number>, slots: number): T[] {
    if (slots <= 0 || ready.length === 0) return []
    const queues = new Map<string, T[]>()
    for (const item of ready) {
      const queue = queues.get(item.vault)
      if (queue === undefined) queues.set(item.vault, [item])
      else queue.push(item)
    }
    const load = new Map<string, number>()
    for (const vault of queues.keys()) load.set(vault, running.get(vault) ?? 0)
    const heads = new Map<string, number>()
    const picked: T[] = []
    while (picked.length < slots && queues.size > 0) {
      let best: string | undefined
      for (const vault of queues.keys()) {
        if (best === undefined || this.before(vault, best, load)) best = vault
      }
      const vault = best as string
      const queue = queues.get(vault) as T[]
      const head = heads.get(vault) ?? 0
      picked.push(queue[head] as T)
      if (head + 1 >= queue.length) queues.delete(vault)
      else heads.set(vault, head + 1)
      load.set(vault, (load.get(vault) ?? 0) + 1)
      this.lastServed.set(vault, ++this.tick)
    }
    return picked
  }

  private before (a: string, b: string, load: ReadonlyMap<string, number>): boolean {
    const byLoad = (load.get(a) ?? 0) - (load.get(b) ?? 0)
    if (byLoad !== 0) return byLoad < 0
    return (this.lastServed.get(a) ?? 0) < (this.lastServed.get(b) ?? 0)
  }
}
