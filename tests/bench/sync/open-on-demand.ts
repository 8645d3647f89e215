import { webSockets } from '@libp2p/websockets'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { readDecrypted } from '../../../core/storage/encrypted-content.ts'
import { mbPerSecond } from '../browser/bench-context.ts'
import { connectDevice, randomStream, startBenchDevice, storeFileWithKey, timeReplication } from '../browser/replicate-device.ts'
import { ReplicationHost } from '../support/replication-host.ts'
import type { Results } from '../support/report.ts'

/**
 * `sync.open_on_demand.ttfb`: device B opens a file of the vault that only
 * the backup peer holds. The peer is the real one (relay-server's
 * `startPeer`, in this process, as the replication figures start it).
 * Device A encrypts the file with the real `storeEncrypted`, pairs, and
 * replicates it with a manifest, then stops (untimed). Each repetition
 * starts a fresh device B: a Node node (createNode, WebSockets) with an empty
 * memory blockstore, connected and paired to the peer (untimed: an unlocked
 * device is), and times `readDecrypted(helia.blockstore, root, fileKey)`,
 * as VaultFiles reads through the node's networked blockstore (its
 * `readBlockstore`), until the first plaintext chunk, then to the end.
 * The file key comes from A directly (B would read it from the index).
 */

export interface OpenOptions {
  /** Plaintext bytes (MB = 10^6). */
  bytes: number
  reps: number
}

export async function measureOpenOnDemand (results: Results, options: OpenOptions): Promise<void> {
  const host = await ReplicationHost.start()
  try {
    const { targets } = host
    const store = new MemoryBlockstore()
    let start = performance.now()
    const { root, fileKey } = await storeFileWithKey(store, randomStream(options.bytes))
    const a = await startBenchDevice(store, webSockets(), targets.vaultKey)
    try {
      const address = await connectDevice(a, targets, 'direct')
      await timeReplication(a, address, root, 1)
    } finally {
      await a.stop()
    }
    console.log(`- device A stored and replicated ${options.bytes / 1e6} MB to the peer in ${((performance.now() - start) / 1000).toFixed(1)} s (untimed), then stopped`)

    for (let rep = 0; rep < options.reps; rep++) {
      const b = await startBenchDevice(new MemoryBlockstore(), webSockets(), targets.vaultKey)
      try {
        await connectDevice(b, targets, 'direct')
        start = performance.now()
        const reader = readDecrypted(b.helia.blockstore, root, fileKey.slice(), { plaintextLength: options.bytes }).getReader()
        let first = await reader.read()
        const ttfb = (performance.now() - start) / 1000
        let read = 0
        while (first.done !== true) {
          read += first.value.byteLength
          first = await reader.read()
        }
        const ms = performance.now() - start
        if (read !== options.bytes) throw new Error(`device B read ${read} bytes, not ${options.bytes}`)
        const throughput = mbPerSecond(read, ms)
        results.add({ name: 'sync.open_on_demand.ttfb', value: ttfb, unit: 's' })
        results.add({ name: 'sync.open_on_demand.throughput', value: throughput, unit: 'MB/s' })
        console.log(`  sync.open_on_demand: first byte ${ttfb.toFixed(3)} s, whole file ${(ms / 1000).toFixed(2)} s = ${throughput.toFixed(1)} MB/s`)
      } finally {
        await b.stop()
      }
    }
  } finally {
    await host.stop()
  }
}
