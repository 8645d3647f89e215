import { setTimeout as sleep } from 'node:timers/promises'
import type { Results } from '../support/report.ts'
import { DeviceSync } from '../../../core/node/device-sync.ts'
import { newVault, realisticPut, startSyncDevice, syncOnce, type BenchVault, type SyncDevice } from './sync-devices.ts'

/**
 * `sync.latency`: from an upload finishing on device A (its `index.put`
 * resolved: the file is in A's index, its content already stored) until
 * device B lists it, over one loopback connection; median of `samples`.
 *
 * The headline figure pushes as the app does (`deviceSyncPush`: DeviceSync
 * on each device, debounce included); `corePush` (A opens a `/cairn/sync/1`
 * session right after the put) gives the protocol alone, as a stage figure.
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

/**
 * What the app does: one DeviceSync per device (core/node/device-sync.ts, as
 * the node worker wires it), which pushes on IndexLog.onAppend after its
 * ~75 ms debounce. It replaces the bench's own sync handler on each node.
 */
export function deviceSyncPush (): Push {
  const syncs: DeviceSync[] = []
  const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }
  return {
    name: 'DeviceSync (the app\'s push, with its debounce)',
    start: async (a, b, vault) => {
      for (const [self, other] of [[a, b], [b, a]] as const) {
        const sync = new DeviceSync({ libp2p: self.node.helia.libp2p, networkBlockstore: self.node.helia.blockstore, log: quiet, relays: () => [], knownDevices: () => [other.id], onChanged: () => {} }, { dialIntervalMs: 60_000, backupPullMs: 60_000 })
        await sync.attach({ index: self.log, syncKey: vault.syncKey.slice() })
        syncs.push(sync)
      }
    },
    afterPut: () => undefined,
    stop: async () => { for (const sync of syncs.splice(0)) sync.stop() }
  }
}

/** B's view is polled this often: adds up to this much to each sample. */
const POLL_MS = 1
const TIMEOUT_MS = 30_000

export async function measureLatency (results: Results, samples: number, push: Push): Promise<void> {
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
      results.add({ name: push === corePush ? 'stage.sync.latency.core' : 'sync.latency', value: seconds, unit: 's' })
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
