import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { streamPair } from '@libp2p/utils'
import { MemoryDatastore } from 'datastore-core/memory'
import { IndexLog } from '../../../core/index/index-log.ts'
import { answerSync, deriveSyncKey, syncWith } from '../../../core/protocols/sync/index.ts'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { FILE_HEADER_LENGTH, packFileName } from '../../../core/storage/pack-format.ts'
import { entry, key } from '../index/fixtures.ts'
import { replica, T0 } from './support.ts'

/**
 * A block of one chain damaged on the disk of a running device (the start
 * repairs such blocks, but only at the next unlock) used to fail every sync
 * session with that device, both ways: its own new edits and the other
 * device's edits stopped moving. The chain it cannot read is left out; the
 * rest syncs.
 */

describe('/cairn/sync/1 with a damaged block in the sender\'s store', () => {
  it('the other chains and the other direction still sync', async () => {
    const files = new MemoryPackFiles()
    const store = new PackBlockstore({ files }, {})
    await store.start()
    const a = new IndexLog({ blockstore: store, datastore: new MemoryDatastore() }, { indexKey: key(7), deviceId: 'devA', now: () => T0 })
    await a.start()
    await a.put(entry(1), 'a/one.txt')
    await a.put(entry(2), 'a/two.txt')
    await store.flush()
    // The disk flips a byte in devA's first op block (the first block of the first pack).
    files.flipByte(packFileName(1), FILE_HEADER_LENGTH + 20)
    const b = await replica('devB')
    await b.log.put(entry(3), 'b/three.txt')
    const [outbound, inbound] = await streamPair()
    const [opened, answered] = await Promise.allSettled([
      syncWith(outbound, 'devA', { index: b.log, syncKey: deriveSyncKey(key(7)), localPeer: 'devB' }),
      answerSync(inbound, 'devB', { index: a, syncKey: deriveSyncKey(key(7)), localPeer: 'devA' })
    ])
    assert.equal(opened.status, 'fulfilled', opened.status === 'rejected' ? String(opened.reason) : '')
    assert.equal(answered.status, 'fulfilled', answered.status === 'rejected' ? String(answered.reason) : '')
    assert.deepEqual(a.listFiles().map(f => f.path), ['a/one.txt', 'a/two.txt', 'b/three.txt'], 'devB\'s edit reached the damaged device')
    assert.equal(b.log.heads().has('devA'), false, 'nothing of the chain that could not be read')
  })
})
