import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import type { StorageCheckProgress } from '../../../core/rpc/api.ts'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { BlockRepair, type BlockSource } from '../../../core/vault/block-repair.ts'
import { checkStoredData, type StorageCheckComponents } from '../../../core/vault/storage-check.ts'
import { RecordingBlockstore, storeEncrypted } from '../../../core/storage/encrypted-content.ts'
import { randomBytes } from './share-test-support.ts'

/** Two encrypted files in a memory pack store, as the vault stores them. */
async function storeWithFiles () {
  const files = new MemoryPackFiles()
  const store = new PackBlockstore({ files })
  await store.start()
  const stored = []
  for (const [path, size] of [['photos/cat.jpg', 3 * 1024 * 1024], ['notes.txt', 2000]] as const) {
    const data = randomBytes(size)
    const root = await storeEncrypted(new RecordingBlockstore(store), new ReadableStream({ start (c) { c.enqueue(data); c.close() } }), { fileKey: randomBytes(32) })
    stored.push({ fileId: path, path, cid: root.toString() })
  }
  return { files, store, stored }
}

function components (store: PackBlockstore, stored: Array<{ fileId: string, path: string, cid: string }>, source: BlockSource, logs: LogBuffer): StorageCheckComponents {
  return {
    store,
    repair: new BlockRepair({ store, source, log: logs.for('storage') }, { timeoutMs: 1000 }),
    files: () => stored,
    readLocal: async (cid) => await readWholeBlock(store, cid),
    linksOf: async (cid, bytes) => cid.code === dagPb.code ? dagPb.decode(bytes).Links.map(l => l.Hash) : [],
    log: logs.for('storage')
  }
}

/** Flips a byte inside the second leaf of `root`'s file, in whichever pack holds it. */
async function damageSecondLeaf (files: MemoryPackFiles, store: PackBlockstore, root: string): Promise<CID> {
  const leaf = dagPb.decode(await readWholeBlock(store, CID.parse(root))).Links[1]?.Hash as CID
  const bytes = await readWholeBlock(store, leaf)
  for (const name of await files.list()) {
    const at = name.endsWith('.pack') ? Buffer.from(files.bytes(name)).indexOf(Buffer.from(bytes.subarray(0, 64))) : -1
    if (at >= 0) { files.flipByte(name, at + 500); return leaf }
  }
  throw new Error('leaf not found')
}

describe('Check stored data', () => {
  it('re-reads every block with progress, names the damaged file and repairs it from a peer', async () => {
    const { files, store, stored } = await storeWithFiles()
    const copies = new Map<string, Uint8Array>()
    for await (const { cid } of store.getAll()) copies.set(cid.toString(), await readWholeBlock(store, cid))
    const leaf = await damageSecondLeaf(files, store, stored[0]?.cid as string)
    const logs = new LogBuffer()
    const progress: StorageCheckProgress[] = []
    const result = await checkStoredData(components(store, stored, { fetch: async (cid) => copies.get(cid.toString()) as Uint8Array }, logs), (p) => { progress.push(p) })

    const totals = store.stats()
    assert.equal(result.blocks, totals.blocks)
    assert.equal(result.bytes, totals.bytes)
    assert.deepEqual(result.damaged, [{ cid: leaf.toString(), files: ['photos/cat.jpg'], repaired: true }])
    assert.deepEqual(result.files.map(f => [f.path, f.repaired]), [['photos/cat.jpg', true]])
    const last = progress.at(-1)
    assert.deepEqual(last !== undefined && { blocks: last.blocksChecked, of: last.blocksTotal, bytes: last.bytesChecked, damaged: last.damaged }, { blocks: totals.blocks, of: totals.blocks, bytes: totals.bytes, damaged: 1 })
    // Repaired in place: the next check is clean, and the logs never name the file.
    const again = await checkStoredData(components(store, stored, { fetch: async () => { throw new Error('not needed') } }, logs), () => {})
    assert.deepEqual(again.damaged, [])
    assert.ok(!logs.recent().some(l => l.message.includes('cat.jpg')))
    await store.stop()
  })

  it('without a copy anywhere, says which file is still damaged', async () => {
    const { files, store, stored } = await storeWithFiles()
    const leaf = await damageSecondLeaf(files, store, stored[0]?.cid as string)
    const result = await checkStoredData(components(store, stored, { fetch: async () => { throw new Error('nobody has it') } }, new LogBuffer()), () => {})
    assert.deepEqual(result.damaged, [{ cid: leaf.toString(), files: ['photos/cat.jpg'], repaired: false }])
    assert.deepEqual(result.files.map(f => [f.path, f.repaired]), [['photos/cat.jpg', false]])
    await store.stop()
  })
})
