import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { IndexLog } from '../../../core/index/index-log.ts'
import { answerSync, deriveSyncKey, SYNC_PROTOCOL, syncWith, type SyncSummary } from '../../../core/protocols/sync/index.ts'
import { addressOf, startNode, type TestNode } from '../backup/helpers.ts'
import { entry, key } from '../index/fixtures.ts'
import type { Connection, Stream } from '@libp2p/interface'

async function device (): Promise<{ node: TestNode, log: IndexLog, id: string }> {
  const node = await startNode()
  const id = node.helia.libp2p.peerId.toString()
  const log = new IndexLog({ blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }, { indexKey: key(7), deviceId: id })
  await log.start()
  return { node, log, id }
}

describe('/cairn/sync/1 between two libp2p nodes on 127.0.0.1', () => {
  it('the PeerIds Noise authenticated bind the hello, and both devices converge', async () => {
    const a = await device()
    const b = await device()
    try {
      await a.log.put(entry(1), 'from-a.txt')
      await b.log.put(entry(2), 'from-b.txt')
      let answered: Promise<SyncSummary> | undefined
      await b.node.helia.libp2p.handle(SYNC_PROTOCOL, (stream: Stream, connection: Connection) => {
        answered = answerSync(stream, connection.remotePeer.toString(), { index: b.log, syncKey: deriveSyncKey(key(7)), localPeer: b.id })
      })
      const stream = await a.node.helia.libp2p.dialProtocol(addressOf(b.node), SYNC_PROTOCOL)
      const summary = await syncWith(stream, b.id, { index: a.log, syncKey: deriveSyncKey(key(7)), localPeer: a.id })
      const other = await (answered as Promise<SyncSummary>)
      assert.deepEqual([summary.blocksSent, summary.blocksReceived, other.blocksSent, other.blocksReceived], [1, 1, 1, 1])
      for (const log of [a.log, b.log]) assert.deepEqual(log.listFiles().map(f => f.path), ['from-a.txt', 'from-b.txt'])
    } finally {
      await a.node.helia.stop()
      await b.node.helia.stop()
    }
  })
})
