import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { DurableBlockstore } from '../../../relay-server/storage/durable-blockstore.ts'
import { collectBytes, makeBlock } from '../../contract/block-fixtures.ts'

const nextTurn = async (): Promise<void> => { await new Promise((resolve) => setImmediate(resolve)) }

describe('DurableBlockstore.has', () => {
  it('says no until the put is on disk: a block another fetch sees as held survives a crash right then', async () => {
    // Asynchronous files, so an append and its flush are turns apart, as on a disk.
    const files = new MemoryPackFiles({ async: true })
    const store = new DurableBlockstore(new PackBlockstore({ files }, { flushDelayMs: 60_000 }))
    await store.start()
    const block = await makeBlock(5000, 1)
    const putting = store.put(block.cid, block.bytes)
    // Another fetch walking the same block asks has() at every chance until it says yes, and would then pin it and record it held.
    let asked = 0
    while (!store.has(block.cid)) {
      if (++asked % 100 === 0) await nextTurn()
      else await Promise.resolve()
    }
    files.crash('unflushed') // kill -9 the moment it said yes
    await putting.catch(() => {})
    const reopened = new PackBlockstore({ files })
    await reopened.start()
    assert.equal(reopened.has(block.cid), true, 'the block has() reported is still there')
    assert.deepEqual(await collectBytes(reopened.get(block.cid)), block.bytes)
    await reopened.stop()
  })

  it('a block put twice at once is hidden until the first put is durable; put again once durable, it stays held; it is stored once', async () => {
    const files = new MemoryPackFiles({ async: true })
    const store = new DurableBlockstore(new PackBlockstore({ files }, { flushDelayMs: 60_000 }))
    await store.start()
    const block = await makeBlock(3000, 2)
    const first = store.put(block.cid, block.bytes)
    const second = store.put(block.cid, block.bytes)
    assert.equal(store.has(block.cid), false)
    await first
    await second
    assert.equal(store.has(block.cid), true)
    const again = store.put(block.cid, block.bytes)
    assert.equal(store.has(block.cid), true, 'a durable block is not hidden by a put of the same bytes')
    await again
    assert.equal(store.inner.stats().blocks, 1)
    await store.stop()
  })
})
