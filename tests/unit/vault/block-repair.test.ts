import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { BlockRepair, type BlockSource } from '../../../core/vault/block-repair.ts'
import type { FileHealthState } from '../../../core/vault/repairing-read.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import { hashTag, PASSPHRASE, randomBytes, readAll } from './share-test-support.ts'
import type { Blockstore } from 'interface-blockstore'

const opened: VaultService[] = []
afterEach(async () => { for (const vault of opened.splice(0)) await vault.stop() })

/** A vault on a memory pack store, reading through a repair that asks `source`. */
async function vaultWithRepair (source: BlockSource, readVia?: (store: PackBlockstore) => Blockstore) {
  const files = new MemoryPackFiles()
  const blockstore = new PackBlockstore({ files })
  await blockstore.start()
  const logs = new LogBuffer()
  const health: Array<{ fileId: string, state: FileHealthState }> = []
  const repair = new BlockRepair({ store: blockstore, source, log: logs.for('storage') }, { timeoutMs: 2000 })
  const vault = new VaultService(
    { blockstore, ...(readVia !== undefined ? { readBlockstore: readVia(blockstore) } : {}), datastore: new MemoryDatastore(), hashTag, log: logs.for('vault'), deviceId: '12D3KooWTestDevice', readHealth: { repair, onHealth: (fileId, state) => { health.push({ fileId, state }) } } },
    { onStatus: () => {}, onFilesChanged: () => {} }
  )
  await vault.start()
  opened.push(vault)
  await vault.create(PASSPHRASE)
  return { vault, blockstore, files, logs, health }
}

/** Flips one byte in the middle of the stored copy of `cid`'s bytes, wherever they are in the packs. */
async function damage (files: MemoryPackFiles, blockstore: PackBlockstore, cid: CID): Promise<void> {
  const bytes = await readWholeBlock(blockstore, cid)
  const needle = bytes.subarray(0, 64)
  for (const name of await files.list()) {
    if (!name.endsWith('.pack')) continue
    const pack = files.bytes(name)
    const at = Buffer.from(pack).indexOf(Buffer.from(needle))
    if (at >= 0) { files.flipByte(name, at + Math.floor(bytes.length / 2)); return }
  }
  throw new Error('block not found in any pack')
}

/** A raw leaf of a stored file: `n` = 1 is its first ciphertext chunk (0 is the header). */
async function firstLeaf (blockstore: PackBlockstore, root: string, n = 1): Promise<CID> {
  const dagPb = await import('@ipld/dag-pb')
  const node = dagPb.decode(await readWholeBlock(blockstore, CID.parse(root)))
  const link = node.Links[n]
  if (link === undefined) throw new Error('not a multi-leaf file')
  return link.Hash
}

describe('a damaged block met while reading a file', () => {
  it('is repaired from a peer that holds it: the read completes intact and the file is reported repaired', async () => {
    const copies = new MemoryBlockstore()
    const asked: string[] = []
    const { vault, blockstore, files, logs, health } = await vaultWithRepair({
      fetch: async (cid) => { asked.push(cid.toString()); return await readWholeBlock(copies, cid) }
    })
    const content = randomBytes(3 * 1024 * 1024 + 5)
    const { file } = await vault.files().add({ file: new Blob([content]), path: 'photos/cat.jpg', mtime: 1, type: 'image/jpeg' })
    for await (const { cid } of blockstore.getAll()) await copies.put(cid, await readWholeBlock(blockstore, cid))
    // The third chunk: two were delivered before the damage showed, and are not delivered twice.
    const leaf = await firstLeaf(blockstore, file.cid, 3)
    await damage(files, blockstore, leaf)

    assert.deepEqual(await readAll(vault.files().open(file.fileId).stream), content)
    assert.deepEqual(asked, [leaf.toString()])
    assert.deepEqual(health, [{ fileId: file.fileId, state: 'repaired' }])
    // The good copy is in the store now: a second read needs no peer.
    assert.deepEqual(await readAll(vault.files().open(file.fileId).stream), content)
    assert.equal(asked.length, 1)
    const lines = logs.recent().map(l => `${l.level} ${l.message}`)
    assert.ok(lines.some(l => l.startsWith('warn damaged block ' + leaf.toString())), lines.join('\n'))
    assert.ok(lines.some(l => l.startsWith('info repaired damaged block ' + leaf.toString())), lines.join('\n'))
    assert.ok(!lines.some(l => l.includes('cat.jpg')), 'no file name in the logs')
  })

  it('with no good copy anywhere, fails at once with BLOCK_DAMAGED and reports the file damaged', async () => {
    const { vault, blockstore, files, logs, health } = await vaultWithRepair({
      fetch: async () => { throw new Error('no connected peer has it') }
    })
    const content = randomBytes(2 * 1024 * 1024 + 9)
    const { file } = await vault.files().add({ file: new Blob([content]), path: 'notes.txt', mtime: 1, type: 'text/plain' })
    await damage(files, blockstore, await firstLeaf(blockstore, file.cid))
    const started = Date.now()
    await assert.rejects(readAll(vault.files().open(file.fileId).stream), (err: { code?: string }) => err.code === 'BLOCK_DAMAGED')
    assert.ok(Date.now() - started < 1000, 'no wait for the network')
    assert.deepEqual(health, [{ fileId: file.fileId, state: 'damaged' }])
    assert.ok(logs.recent().some(l => l.level === 'error' && l.message.includes('could not be repaired')))
  })

  it('a peer that sends bad bytes does not repair anything', async () => {
    const { vault, blockstore, files, health } = await vaultWithRepair({
      fetch: async () => new Uint8Array(1024 * 1024 + 16)
    })
    const { file } = await vault.files().add({ file: new Blob([randomBytes(2 * 1024 * 1024)]), path: 'a.bin', mtime: 1, type: '' })
    await damage(files, blockstore, await firstLeaf(blockstore, file.cid))
    await assert.rejects(readAll(vault.files().open(file.fileId).stream), (err: { code?: string }) => err.code === 'BLOCK_DAMAGED')
    assert.deepEqual(health.map(h => h.state), ['damaged'])
  })

  it('a healthy read hashes only the linking blocks: ciphertext leaves are authenticated by the decryptor', async () => {
    const reads: Array<{ raw: boolean, skip: boolean }> = []
    const { vault } = await vaultWithRepair({ fetch: async () => { throw new Error('not needed') } }, (store) => ({
      get: (cid: CID, options?: { skipHashCheck?: boolean }) => {
        reads.push({ raw: cid.code === 0x55, skip: options?.skipHashCheck === true })
        return store.get(cid, options)
      },
      has: async (cid: CID) => store.has(cid)
    }) as unknown as Blockstore)
    const content = randomBytes(2 * 1024 * 1024 + 1)
    const { file } = await vault.files().add({ file: new Blob([content]), path: 'b.bin', mtime: 1, type: '' })
    assert.deepEqual(await readAll(vault.files().open(file.fileId).stream), content)
    assert.ok(reads.some(r => r.raw))
    assert.deepEqual(reads.filter(r => r.raw !== r.skip), [], 'leaves skip the hash, the root does not')
  })
})
