import { it } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryDatastore } from 'datastore-core/memory'
import { IndexLog } from '../../../core/index/index-log.ts'
import { DeviceSync, type DeviceSyncComponents } from '../../../core/node/device-sync.ts'
import { deriveSyncKey } from '../../../core/protocols/sync/index.ts'
import { addressOf, MemoryLog, startNode, type TestNode } from '../backup/helpers.ts'
import { entry, key } from '../index/fixtures.ts'
import { pull, replica, T0 } from './support.ts'

/**
 * A chain more than the other side takes in one session is sent in part, and
 * device sync runs another session at once. When the other side does not
 * merge that part (here: the chain of a device it knows was removed), every
 * session sent the same part again, and the loop never ended: syncNow never
 * resolved and the two devices exchanged the same blocks without end.
 */

interface Device { node: TestNode, log: IndexLog, sync: DeviceSync, logs: MemoryLog, id: string }

async function device (parts: Partial<DeviceSyncComponents>, bufferedBlockBytes?: number): Promise<Device> {
  const node = await startNode()
  const id = node.helia.libp2p.peerId.toString()
  const log = new IndexLog({ blockstore: node.blockstore, datastore: new MemoryDatastore() }, { indexKey: key(7), deviceId: id })
  await log.start()
  const logs = new MemoryLog()
  const sync = new DeviceSync({ libp2p: node.helia.libp2p, networkBlockstore: node.helia.blockstore, log: logs, relays: () => [], onChanged: () => {}, ...parts }, { dialIntervalMs: 60_000, backupPullMs: 600_000, timeoutMs: 5_000, ...(bufferedBlockBytes === undefined ? {} : { bufferedBlockBytes }) })
  await sync.attach({ index: log, syncKey: deriveSyncKey(key(7)) })
  return { node, log, sync, logs, id }
}

const sessions = (d: Device): number => d.logs.lines.filter(l => l.level === 'info' && l.message.startsWith('sync with')).length

it('a part of a chain the other side does not merge is not sent again and again: device sync ends', async () => {
  // devR wrote a long chain, then was removed; A still has it, B refuses it.
  const removed = await replica('devR')
  for (let i = 0; i < 40; i++) {
    removed.clock.t = T0 + i * 1000
    await removed.log.put(entry(i % 4), `r/${i}.txt`)
  }
  const a = await device({})
  await pull({ log: a.log, blockstore: a.node.blockstore as never, datastore: new MemoryDatastore(), deviceId: a.id, clock: { t: T0 } }, removed)
  await a.log.put(entry(1), 'from-a.txt')
  const b = await device({ knownDevices: () => [a.id], isRevoked: (peer) => peer === 'devR' }, 8 * 1024)
  try {
    await b.node.helia.libp2p.dial(addressOf(a.node))
    let timer: ReturnType<typeof setTimeout> | undefined
    const ended = await Promise.race([
      b.sync.syncNow(a.id).then(() => true),
      new Promise<boolean>(resolve => { timer = setTimeout(() => { resolve(false) }, 20_000) })
    ])
    clearTimeout(timer)
    assert.ok(ended, `device sync with A never ended: ${sessions(b)} sessions so far, each sending the same part of devR's chain`)
    assert.equal(b.log.heads().get('devR'), undefined, 'the removed device\'s chain was not merged')
    assert.ok(sessions(b) <= 4, `${sessions(b)} sessions`)
  } finally {
    for (const d of [a, b]) {
      d.sync.stop()
      await d.node.helia.stop()
    }
  }
})
