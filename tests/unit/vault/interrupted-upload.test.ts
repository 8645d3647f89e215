import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import { hashTag, PASSPHRASE, randomBytes, readAll } from './share-test-support.ts'

const MiB = 1024 * 1024

async function openVault (files: MemoryPackFiles, datastore: MemoryDatastore): Promise<{ vault: VaultService, blockstore: PackBlockstore }> {
  const blockstore = new PackBlockstore({ files })
  await blockstore.start()
  const vault = new VaultService(
    { blockstore, datastore, hashTag, log: new LogBuffer().for('test'), deviceId: '12D3KooWTestDevice' },
    { onStatus: () => {}, onFilesChanged: () => {} }
  )
  await vault.start()
  return { vault, blockstore }
}

/**
 * Starts an upload of `content` (announced whole) that stops for good after
 * `cutAt` bytes, waits until `storedAtLeast` more bytes are stored and the
 * pack store's periodic flush (1 s) ran, then crashes: the tab closes and no
 * rollback runs.
 */
async function cutOffUpload (at: { vault: VaultService, blockstore: PackBlockstore }, files: MemoryPackFiles, content: Uint8Array, cutAt: number, storedAtLeast: number): Promise<void> {
  const before = at.blockstore.stats().bytes
  let sent = 0
  const stream = new ReadableStream<Uint8Array>({
    async pull (controller) {
      if (sent >= cutAt) return await new Promise<void>(() => {}) // the tab is gone before the rest arrives
      controller.enqueue(content.slice(sent, sent + MiB))
      sent += MiB
    }
  })
  void at.vault.files().addStream({ stream, size: content.length, path: 'big.bin', mtime: 2, type: '' }).catch(() => {})
  while (at.blockstore.stats().bytes < before + storedAtLeast) await new Promise(resolve => setTimeout(resolve, 20))
  await new Promise(resolve => setTimeout(resolve, 1200))
  files.crash('nothing')
}

describe('an upload cut off by a closed tab or a crash', () => {
  it('leaves no stored bytes behind for good: the next unlock frees them', async () => {
    const files = new MemoryPackFiles()
    const datastore = new MemoryDatastore()
    const first = await openVault(files, datastore)
    await first.vault.create(PASSPHRASE)
    await first.vault.files().add({ file: new Blob([randomBytes(1000)]), path: 'kept.txt', mtime: 1, type: 'text/plain' })
    await first.blockstore.flush()
    const baseline = first.blockstore.stats().bytes

    // A 100 MiB upload whose tab closes after 40 MiB were encrypted and stored.
    await cutOffUpload(first, files, randomBytes(100 * MiB), 40 * MiB, 16 * MiB)

    // Next visit: the vault opens fine and names only the file that finished.
    const second = await openVault(files, datastore)
    await second.vault.unlock(PASSPHRASE)
    assert.deepEqual(second.vault.files().list().map(f => f.path), ['kept.txt'])
    // And it can tell the user which upload never finished, once.
    assert.deepEqual(second.vault.takeCutOffUploads(), ['big.bin'])
    assert.deepEqual(second.vault.takeCutOffUploads(), [])
    await second.vault.tidy()
    const leaked = second.blockstore.stats().bytes - baseline
    await second.vault.stop()
    await second.blockstore.stop()
    await first.vault.stop() // the crashed visit's timers (its store's files are gone: nothing it does lands)
    assert.ok(leaked < 64 * 1024, `${leaked} bytes of the cut-off upload stay stored, named by nothing, with no way to free them`)
  })

  it('of content the vault already holds frees nothing of the file that holds it', async () => {
    const files = new MemoryPackFiles()
    const datastore = new MemoryDatastore()
    const first = await openVault(files, datastore)
    await first.vault.create(PASSPHRASE)
    const content = randomBytes(24 * MiB)
    const held = await first.vault.files().add({ file: new Blob([content]), path: 'held.bin', mtime: 1, type: '' })
    await first.blockstore.flush()
    const baseline = first.blockstore.stats()

    // The same bytes again (found a duplicate only at the end), cut off half-way.
    await cutOffUpload(first, files, content, 12 * MiB, 6 * MiB)

    const second = await openVault(files, datastore)
    await second.vault.unlock(PASSPHRASE)
    await second.vault.tidy()
    const after = second.blockstore.stats()
    const read = await readAll(second.vault.files().open(held.file.fileId).stream)
    await second.vault.stop()
    await second.blockstore.stop()
    await first.vault.stop()
    assert.deepEqual(after.blocks, baseline.blocks, 'exactly the blocks of the vault before the cut-off upload are stored')
    assert.equal(after.bytes, baseline.bytes)
    assert.ok(Buffer.from(read).equals(Buffer.from(content)), 'the file already held reads back whole')
  })
})
