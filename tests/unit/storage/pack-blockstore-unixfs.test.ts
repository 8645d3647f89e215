import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { unixfs } from '@helia/unixfs'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { collectBytes, pseudoRandomBytes } from '../../contract/block-fixtures.ts'
import { openMemoryPackStore } from './memory-pack-store.ts'

describe('PackBlockstore under @helia/unixfs', () => {
  it('adds a multi-block file, gives the same root CID as the memory store, and reads it back after reopen', async () => {
    const content = pseudoRandomBytes(3 * 1024 * 1024 + 123, 77)
    const addOptions = { rawLeaves: true, cidVersion: 1 as const }
    const reference = await unixfs({ blockstore: new MemoryBlockstore() }).addBytes(content, addOptions)

    const files = new MemoryPackFiles()
    const { store } = await openMemoryPackStore({ maxPackSize: 1536 * 1024 }, files)
    const root = await unixfs({ blockstore: store }).addBytes(content, addOptions)
    assert.equal(root.toString(), reference.toString())
    await store.stop()

    const { store: reopened } = await openMemoryPackStore({}, files)
    assert.ok(reopened.stats().packs > 1, 'the file spans several packs')
    assert.deepEqual(await collectBytes(unixfs({ blockstore: reopened }).cat(root)), content)
    await reopened.stop()
  })
})
