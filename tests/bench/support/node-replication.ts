import { webSockets } from '@libp2p/websockets'
import { NodeWebSocket } from '../../../relay-server/shared/node-websockets.ts'
import { webSocketsDiallingWith } from '../../../relay-server/shared/websockets-dialling.ts'
import { sha256Pieces } from '../../../relay-server/shared/sha256-pieces.ts'
import { ReplicationHost } from './replication-host.ts'
import { startMachineCpu } from './thread-cpu.ts'
import type { Results } from './report.ts'

export interface NodeReplicationOptions {
  sizeMiB: number
  reps: number
}

/**
 * `--only replication-node`: the Node figures of "Replication and restore"
 * without a browser (`replicate.node.direct`, `.relay`), the backup peer and
 * relay in their own processes, and, back to back in each repetition, the
 * same direct transfer dialled with Node's own undici WebSocket as Cairn's
 * Node hosts did before (`stage.replicate.node.direct.undici`) and with
 * ws but each piece its own message, as before joined sends
 * (`stage.replicate.node.direct.unjoined`; the peer's side joins in both),
 * with CPU milliseconds per MB of each process (`cpu.replicate.node.*`);
 * and since issue 12 each path again from a device that does not serve the
 * batched block exchange (`stage.replicate.node.{direct,relay}.bitswap`: bitswap as before);
 * then a fresh Node device restores the file from the peer as the desktop
 * app does (`restore.node.direct`, and `stage.restore.node.direct.joined`
 * with each block joined before it is hashed and stored).
 */
export async function runNodeReplication (results: Results, options: NodeReplicationOptions): Promise<void> {
  console.log(`Node replication: ${options.sizeMiB} MiB file, ${options.reps} repetition(s)`)
  const bytes = options.sizeMiB * 1024 * 1024
  const host = await ReplicationHost.start()
  const machine = startMachineCpu()
  const ours = process.cpuUsage()
  const start = performance.now()
  const childrenAtStart = host.childCpuMs()
  let children = 0
  try {
    for (let rep = 0; rep < options.reps; rep++) {
      await host.replicateNode('direct', bytes, results, webSockets(), '.undici', 'stage.')
      await host.replicateNode('direct', bytes, results, webSocketsDiallingWith(NodeWebSocket as unknown as typeof globalThis.WebSocket), '.unjoined', 'stage.')
      // Issue 12 A/B: the same transfer from a device without the batched exchange (bitswap), back to back; which goes first alternates.
      const bitswap = async (): Promise<void> => { await host.replicateNode('direct', bytes, results, undefined, '.bitswap', 'stage.', false) }
      if (rep % 2 === 1) await bitswap()
      const root = await host.replicateNode('direct', bytes, results)
      if (rep % 2 === 0) await bitswap()
      // The desktop app's restore from the peer: blocks kept in the pieces they arrived in, and (`.joined`) joined first, as before.
      const restores = [
        async () => { await host.restoreNode(root, bytes, results, sha256Pieces, 'restore.node.direct') },
        async () => { await host.restoreNode(root, bytes, results, undefined, 'stage.restore.node.direct.joined') }
      ]
      for (const restore of rep % 2 === 0 ? restores : restores.reverse()) await restore()
      await host.replicateNode('relay', bytes, results)
      await host.replicateNode('relay', bytes, results, undefined, '.bitswap', 'stage.', false)
    }
    const childrenNow = host.childCpuMs()
    children = childrenNow.peer - childrenAtStart.peer + childrenNow.relay - childrenAtStart.relay
  } finally {
    await host.stop()
  }
  const used = process.cpuUsage(ours)
  const oursMs = (used.user + used.system) / 1000
  const other = Math.max(0, machine().busy - oursMs - children) / (performance.now() - start)
  results.add({ name: 'machine.other_load.cores', value: other, unit: 'cores' })
  const elapsed = performance.now() - start
  console.log(`  other programs kept ${other.toFixed(2)} cores busy; the device's process ${(oursMs / elapsed).toFixed(2)}, the peer and relay ${(children / elapsed).toFixed(2)}`)
}
