import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { fetchAndPin, localBlocks, RAW_CODE, unpinAndFree } from '../../../core/protocols/backup/dag-fetch.ts'
import { startNode, storeRandomFile, type TestNode } from './helpers.ts'
import type { DagStore } from '../../../core/protocols/backup/node-parts.ts'
import { CID } from 'multiformats/cid'

/** A memory store that counts the blocks read out of it, by CID. */
class CountingStore extends MemoryBlockstore {
  readonly reads = new Map<string, number>()
  override async * get (cid: CID, options?: Parameters<MemoryBlockstore['get']>[1]): ReturnType<MemoryBlockstore['get']> {
    this.reads.set(cid.toString(), (this.reads.get(cid.toString()) ?? 0) + 1)
    yield * super.get(cid, options)
  }
}

const nodes: TestNode[] = []
afterEach(async () => { for (const node of nodes.splice(0)) await node.helia.stop() })

describe('backup: the pin after a fetch', () => {
  it('pins every block of the DAG without reading any block a second time, and unpinning frees them all', async () => {
    const store = new CountingStore()
    const node = await startNode(store)
    nodes.push(node)
    // A file of several leaves and its index blocks, as a device would have stored it.
    const file = await storeRandomFile(store, 5 * 1024 * 1024 + 123)
    store.reads.clear()
    const helia = node.helia as unknown as DagStore
    const bytes = await fetchAndPin(helia, file.root, { signal: AbortSignal.timeout(10_000), blockConcurrency: 4, stallMs: 10_000 })
    assert.equal(bytes, file.bytes)
    assert.ok(await node.helia.pins.isPinned(file.root))
    for (const cid of file.blocks) assert.ok(await node.helia.pins.isPinned(cid), `block ${cid.toString()} is held by the pin`)
    // Each block read once, by the fetch's own walk: the pin read none back.
    assert.equal(store.reads.size, file.blocks.length)
    assert.ok([...store.reads.values()].every((n) => n === 1), JSON.stringify([...store.reads.values()]))
    assert.equal((await localBlocks(helia, file.root)).length, file.blocks.length)
    // The pin's records are the real ones: unpinning takes them back and frees every block,
    // reading only the blocks that can link (never a raw leaf).
    store.reads.clear()
    assert.equal(await unpinAndFree(helia, file.root), file.blocks.length)
    for (const cid of file.blocks) assert.equal(await store.has(cid), false)
    assert.ok([...store.reads.keys()].every((key) => CID.parse(key).code !== RAW_CODE), 'no leaf read to unpin')
    assert.ok(store.reads.size > 0 && store.reads.size < file.blocks.length)
  })

  it('a pin whose leaf went missing is still taken back whole: every block that is here is freed', async () => {
    const store = new CountingStore()
    const node = await startNode(store)
    nodes.push(node)
    const file = await storeRandomFile(store, 3 * 1024 * 1024)
    const helia = node.helia as unknown as DagStore
    await fetchAndPin(helia, file.root, { signal: AbortSignal.timeout(10_000), blockConcurrency: 4, stallMs: 10_000 })
    const leaf = file.blocks.find((cid) => cid.code === RAW_CODE)
    assert.ok(leaf !== undefined)
    await store.delete(leaf)
    assert.equal(await unpinAndFree(helia, file.root), file.blocks.length - 1)
    for (const cid of file.blocks) {
      assert.equal(await store.has(cid), false)
      assert.equal(await node.helia.pins.isPinned(cid), false, 'no pin record is left behind')
    }
  })
})
