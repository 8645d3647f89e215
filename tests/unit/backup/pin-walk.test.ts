import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { fetchAndPin, localBlocks, unpinAndFree } from '../../../core/protocols/backup/dag-fetch.ts'
import { startNode, storeRandomFile, type TestNode } from './helpers.ts'
import type { DagStore } from '../../../core/protocols/backup/node-parts.ts'
import type { CID } from 'multiformats/cid'

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
    // The pin's records are the real ones: unpinning walks them and frees every block.
    assert.equal(await unpinAndFree(helia, file.root), file.blocks.length)
    for (const cid of file.blocks) assert.equal(await store.has(cid), false)
  })
})
