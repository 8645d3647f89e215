import { setTimeout as sleep } from 'node:timers/promises'
import type { Results } from '../support/report.ts'
import { newVault, realisticPut, startSyncDevice, syncOnce, type BenchVault, type SyncDevice } from './sync-devices.ts'

/**
 * `sync.latency`: from an upload finishing on device A (its `index.put`
 * resolved: the file is in A's index, its content already stored) until
 * device B lists it, over one loopback connection; median of `samples`.
 *
 * Until DeviceSync (core/node/device-sync.ts, branch `syncwire`) is on
 * main, the push is done here with the core: right after the put, A opens a
 * `/cairn/sync/1` session to B on the open connection (what DeviceSync's
 * push does, minus its debounce). Swapping it in touches only `Push`: a
 * DeviceSync push attaches one DeviceSync per device in `start` (instead of
 * the bench's own `answerSync` handler, which it replaces) and does nothing
 * in `afterPut`, since DeviceSync pushes on IndexLog.onAppend itself.
 */

/** How a change on A reaches B. */
export interface Push {
  name: string
  /** Once, with both devices started and connected. */
  start: (a: SyncDevice, b: SyncDevice, vault: BenchVault) => Promise<void>
  /**
   * Right after A's put resolved. Not awaited by the timing (B listing the
   * file ends it); what it returns is awaited after the sample, so one push
   * has ended before the next upload.
   */
  afterPut: (a: SyncDevice, b: SyncDevice, vault: BenchVault) => Promise<unknown> | undefined
  stop: () => Promise<void>
}

/** The core's session, opened by A at once: DeviceSync's push without its debounce. */
export const corePush: Push = {
  name: 'core syncWith after each put',
  start: async () => {},
  afterPut: (a, b, vault) => syncOnce(a, b, vault).catch((err: unknown) => { console.error(`! the push session failed: ${(err as Error).message}`) }),
  stop: async () => {}
}

/** B's view is polled this often: adds up to this much to each sample. */
const POLL_MS = 1
const TIMEOUT_MS = 30_000

export async function measureLatency (results: Results, samples: number, push: Push = corePush): Promise<void> {
  const vault = newVault()
  const a = await startSyncDevice(vault)
  const b = await startSyncDevice(vault)
  try {
    // Connected and in step before timing (as two unlocked devices are).
    await put(a, 0)
    await syncOnce(a, b, vault)
    await push.start(a, b, vault)
    console.log(`- push: ${push.name}; ${samples} uploads on A`)
    const values: number[] = []
    for (let i = 1; i <= samples; i++) {
      const path = await put(a, i)
      const start = performance.now()
      const pushed = push.afterPut(a, b, vault)
      const deadline = start + TIMEOUT_MS
      while (b.log.findByPath(path) === undefined) {
        if (performance.now() > deadline) throw new Error(`device B did not list ${path} within ${TIMEOUT_MS / 1000} s`)
        await sleep(POLL_MS)
      }
      const seconds = (performance.now() - start) / 1000
      values.push(seconds)
      results.add({ name: 'sync.latency', value: seconds, unit: 's' })
      await pushed
    }
    const sorted = [...values].sort((x, y) => x - y)
    console.log(`  sync.latency over ${samples}: min ${(sorted[0] ?? NaN).toFixed(3)} s, median ${(sorted[Math.floor(sorted.length / 2)] ?? NaN).toFixed(3)} s, max ${(sorted.at(-1) ?? NaN).toFixed(3)} s`)
  } finally {
    await push.stop()
    await a.stop()
    await b.stop()
  }
}

/** An upload's index step on `device`, as VaultFiles.add ends: `IndexLog.put`. Returns the path. */
async function put (device: SyncDevice, i: number): Promise<string> {
  const op = await realisticPut(i)
  if (op.entry === undefined) throw new Error('a put without an entry')
  await device.log.put(op.entry, op.path)
  return op.path
}
