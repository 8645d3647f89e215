import assert from 'node:assert/strict'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { describe, it } from 'node:test'
import { sealedScanState } from '../../../core/folder-sync/scan-state.ts'

describe('folder sync: scan state', () => {
  it('is sealed in the datastore: no file name in the clear, and a damaged record counts as none', async () => {
    const datastore = new MemoryDatastore()
    const key = crypto.getRandomValues(new Uint8Array(32))
    const store = sealedScanState(datastore, key, 'f1')
    await store.save({ v: 1, files: { 'tax return 2025.pdf': { size: 5, mtime: 6, tag: 't', fileId: 'id', vaultPath: 'Documents/tax return 2025.pdf' } }, trashDays: [] })
    const raw = await datastore.get(new Key('/cairn/folder-sync/state/f1'))
    assert.ok(!new TextDecoder('latin1').decode(raw).includes('tax return'), 'file names are not stored in the clear')
    assert.equal((await store.load()).files['tax return 2025.pdf']?.fileId, 'id')
    assert.deepEqual((await sealedScanState(datastore, new Uint8Array(32), 'f1').load()).files, {}, 'another key opens nothing')
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1
    await datastore.put(new Key('/cairn/folder-sync/state/f1'), raw)
    assert.deepEqual((await store.load()).files, {}, 'a tampered record counts as none (the next scan dedups)')
  })
})

describe('folder sync: a key rotation', () => {
  it('re-seals the folder records under the new key, so the synced folders go on', async () => {
    const { resealFolderSync } = await import('../../../core/folder-sync/reseal-folder-sync.ts')
    const datastore = new MemoryDatastore()
    const oldKey = crypto.getRandomValues(new Uint8Array(32))
    const newKey = crypto.getRandomValues(new Uint8Array(32))
    await sealedScanState(datastore, oldKey, 'f1').save({ v: 1, files: { 'a.txt': { size: 1, mtime: 2, tag: 't', fileId: 'id', vaultPath: 'D/a.txt' } }, trashDays: [] })
    await resealFolderSync(datastore, oldKey, newKey)
    assert.equal((await sealedScanState(datastore, newKey, 'f1').load()).files['a.txt']?.fileId, 'id')
  })
})
