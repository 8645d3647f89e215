import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryDatastore } from 'datastore-core/memory'
import { CID } from 'multiformats/cid'
import { readBlock, type ChainHead } from '../../../core/index/chain.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { FILE_HEADER_LENGTH, packFileName } from '../../../core/storage/pack-format.ts'
import { entry, key } from './fixtures.ts'
import { pull, replica, shown, T0, type Replica } from '../sync/support.ts'

/**
 * A block of another device's chain can be in this device's store before its
 * chain is merged (fetched by bitswap for a backup pull, or stored by a merge
 * that was refused further down). If the disk damages that copy, the merge
 * must take the good copy the peer offers instead of failing on the bad one
 * forever: no head names the block yet, so no start repairs it.
 */

async function deviceOnPackStore (deviceId: string): Promise<Replica & { files: MemoryPackFiles, store: PackBlockstore }> {
  const files = new MemoryPackFiles()
  const store = new PackBlockstore({ files }, {})
  await store.start()
  const datastore = new MemoryDatastore()
  const clock = { t: T0 + 60_000 }
  const log = new IndexLog({ blockstore: store, datastore }, { indexKey: key(7), deviceId, now: () => clock.t })
  await log.start()
  return { log, blockstore: store as never, datastore, deviceId, clock, files, store }
}

describe('merging a chain whose block this device holds a damaged copy of', () => {
  it('takes the good copy from the peer, merges, and keeps the good copy', async () => {
    const b = await replica('devB')
    for (let i = 0; i < 3; i++) {
      b.clock.t = T0 + i * 1000
      await b.log.put(entry(i), `b/${i}.txt`)
    }
    const chain = await b.log.blocksAfter('devB', b.log.heads().get('devB') as ChainHead, 0)
    const middle = CID.parse((chain[1] as { cid: string }).cid)
    const a = await deviceOnPackStore('devA')
    // Left here earlier, unmerged; then the disk flips a byte inside it.
    await a.store.put(middle, await readBlock(b.blockstore, middle) as Uint8Array)
    await a.store.flush()
    a.files.flipByte(packFileName(1), FILE_HEADER_LENGTH + 20)
    await pull(a, b)
    assert.deepEqual(shown(a.log), shown(b.log), 'every file of the chain is shown')
    assert.equal(a.log.heads().get('devB')?.seq, 3)
    // What a restart reads back from this device's own store.
    await a.log.stop()
    const again = new IndexLog({ blockstore: a.store, datastore: a.datastore }, { indexKey: key(7), deviceId: 'devA', now: () => a.clock.t })
    await again.start()
    assert.deepEqual(shown(again), shown(b.log), 'and after a restart, from the good copy')
  })

  it('the same for a copy a store that does not check reads hands back changed', async () => {
    const b = await replica('devB')
    await b.log.put(entry(1), 'b/one.txt')
    b.clock.t = T0 + 1000
    await b.log.put(entry(2), 'b/two.txt')
    const oldest = CID.parse(((await b.log.blocksAfter('devB', b.log.heads().get('devB') as ChainHead, 0))[0] as { cid: string }).cid)
    const a = await replica('devA', { start: T0 + 60_000 })
    const bad = Uint8Array.from(await readBlock(b.blockstore, oldest) as Uint8Array)
    bad[30] = (bad[30] as number) ^ 0xff
    await a.blockstore.put(oldest, bad)
    await pull(a, b)
    assert.deepEqual(shown(a.log), shown(b.log))
    assert.deepEqual(await readBlock(a.blockstore, oldest), await readBlock(b.blockstore, oldest), 'the good copy replaced the changed one')
  })
})
