import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FairPicker } from '../../../core/protocols/backup/fair-pick.ts'

interface Item { vault: string, n: number }

/**
 * Runs queued items through `slots` fetch slots, one completion per step
 * (the oldest running item), as the replicator does: after every
 * completion, pick again. Returns the step at which each vault's last item
 * finished.
 */
function simulate (queues: Record<string, number>, slots: number): Map<string, number> {
  const picker = new FairPicker()
  // Oldest first over all vaults, as the ledger hands them over: the big vault queued first.
  const ready: Item[] = Object.entries(queues).flatMap(([vault, count]) => Array.from({ length: count }, (_, n) => ({ vault, n })))
  const running: Item[] = []
  const left = new Map(Object.entries(queues))
  const finished = new Map<string, number>()
  for (let step = 1; ready.length > 0 || running.length > 0; step++) {
    const perVault = new Map<string, number>()
    for (const item of running) perVault.set(item.vault, (perVault.get(item.vault) ?? 0) + 1)
    for (const item of picker.pick(ready, perVault, slots - running.length)) {
      ready.splice(ready.indexOf(item), 1)
      running.push(item)
    }
    const done = running.shift() as Item
    const remaining = (left.get(done.vault) ?? 0) - 1
    left.set(done.vault, remaining)
    if (remaining === 0) finished.set(done.vault, step)
  }
  return finished
}

describe('FairPicker', () => {
  it('lets a vault with 10 roots queued finish early beside one with 10,000 queued before it', () => {
    const finished = simulate({ big: 10_000, small: 10 }, 3)
    // Taking turns, the small vault gets every other slot: done within ~2 × 10 completions, not after 10,000.
    assert.ok((finished.get('small') ?? Infinity) <= 25, `small finished at step ${finished.get('small')}`)
    assert.equal(finished.get('big'), 10_010)
  })

  it('serves 50 vaults with equal backlogs in turn: after any stretch, no vault is more than one item behind another', () => {
    const picker = new FairPicker()
    const vaults = Array.from({ length: 50 }, (_, v) => `vault-${String(v).padStart(2, '0')}`)
    const ready = vaults.flatMap((vault) => Array.from({ length: 20 }, (_, n) => ({ vault, n })))
    const served = new Map<string, number>()
    const running = new Map<string, number>()
    for (let round = 0; round < 200; round++) {
      const [item] = picker.pick(ready, running, 1)
      if (item === undefined) break
      ready.splice(ready.indexOf(item), 1)
      served.set(item.vault, (served.get(item.vault) ?? 0) + 1)
      const counts = vaults.map((vault) => served.get(vault) ?? 0)
      assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `round ${round}: ${counts.join(',')}`)
    }
  })

  it('keeps each vault\'s own order and gives a vault with fetches running its turn last', () => {
    const picker = new FairPicker()
    const ready = [{ vault: 'a', n: 1 }, { vault: 'a', n: 2 }, { vault: 'b', n: 1 }, { vault: 'c', n: 1 }]
    const picked = picker.pick(ready, new Map([['a', 2], ['b', 1]]), 3)
    assert.deepEqual(picked.map((i) => `${i.vault}${i.n}`), ['c1', 'b1', 'a1'])
    assert.deepEqual(picker.pick(ready, new Map(), 0), [])
  })
})
