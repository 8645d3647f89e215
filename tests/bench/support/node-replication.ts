import { webSockets } from '@libp2p/websockets'
import { NodeWebSocket } from '../../../relay-server/shared/node-websockets.ts'
import { webSocketsWith, type WebSocketClass } from '../browser/proto-coalescing-websockets.ts'
import { ReplicationHost } from './replication-host.ts'
import { startMachineCpu } from './thread-cpu.ts'
import type { Results } from './report.ts'

export interface NodeReplicationOptions {
  sizeMiB: number
  reps: number
}

/**
 * `--only replication-node`: the Node figures of "Replication and restore"
 * without a browser (`replicate.node.direct`, `.relay`), and, back to back
 * in each repetition, the same direct transfer dialled with Node's own
 * undici WebSocket as Cairn's Node hosts did before (`stage.replicate.node.direct.undici`),
 * with CPU milliseconds per MB for each (`cpu.replicate.node.*`), and the
 * device with the coalescing prototype, direct only (`proto.replicate.node.direct.coalescing_ws`).
 */
export async function runNodeReplication (results: Results, options: NodeReplicationOptions): Promise<void> {
  console.log(`Node replication: ${options.sizeMiB} MiB file, ${options.reps} repetition(s)`)
  const bytes = options.sizeMiB * 1024 * 1024
  const host = await ReplicationHost.start()
  const machine = startMachineCpu()
  const ours = process.cpuUsage()
  const start = performance.now()
  try {
    for (let rep = 0; rep < options.reps; rep++) {
      await host.replicateNode('direct', bytes, results, webSockets(), '.undici', 'stage.')
      await host.replicateNode('direct', bytes, results)
      await host.replicateNode('direct', bytes, results, webSocketsWith(NodeWebSocket as unknown as WebSocketClass), '.coalescing_ws', 'proto.')
      // No relayed run of the prototype: it loses relayed connections (tests/bench/README.md, issue 12, 5).
      await host.replicateNode('relay', bytes, results)
    }
  } finally {
    await host.stop()
  }
  const used = process.cpuUsage(ours)
  const oursMs = (used.user + used.system) / 1000
  const other = Math.max(0, machine().busy - oursMs) / (performance.now() - start)
  results.add({ name: 'machine.other_load.cores', value: other, unit: 'cores' })
  console.log(`  other programs kept ${other.toFixed(2)} cores busy; this process ${(oursMs / (performance.now() - start)).toFixed(2)}`)
}
