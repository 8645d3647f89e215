import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { createThumbnailHandlers } from '../../../core/node/thumbnail-handlers.ts'
import type { ThumbnailData } from '../../../core/rpc/api.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import { hashTag, PASSPHRASE, type Cleanups } from './share-test-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const THUMB: ThumbnailData = { type: 'image/jpeg', width: 4, height: 3, bytes: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]) }

describe('thumbnails in the vault', () => {
  it('are stored for the content they show, refused for content the file no longer has, and go when the Trash is emptied', async () => {
    const blockstore = new MemoryBlockstore()
    const datastore = new MemoryDatastore()
    const vault = new VaultService(
      { blockstore, datastore, hashTag, log: new LogBuffer().for('vault'), deviceId: '12D3KooWTestDevice' },
      { onStatus: () => {}, onFilesChanged: () => {} }
    )
    await vault.start()
    cleanups.push(async () => { await vault.stop() })
    await vault.create(PASSPHRASE)
    const handlers = createThumbnailHandlers(vault)
    const { file } = await vault.files().add({ file: new Blob(['not really a photo']), path: 'photo.jpg', mtime: 0, type: 'image/jpeg' })

    assert.equal(await handlers['thumbnails.get']({ fileId: file.fileId }), null)
    await handlers['thumbnails.put']({ fileId: file.fileId, cid: file.cid, thumbnail: THUMB })
    assert.deepEqual(await handlers['thumbnails.get']({ fileId: file.fileId }), THUMB)
    // Nothing of the picture lies in the clear in the blockstore.
    for await (const { bytes } of blockstore.getAll()) {
      for await (const piece of bytes) assert.ok(Buffer.from(piece).indexOf(Buffer.from(THUMB.bytes)) < 0)
    }

    // A new version gets its own thumbnail; one made from the old content is not taken for it.
    const edited = await vault.files().add({ file: new Blob(['another picture entirely']), path: 'photo.jpg', mtime: 1, type: 'image/jpeg' })
    assert.equal(await handlers['thumbnails.get']({ fileId: file.fileId }), null)
    await handlers['thumbnails.put']({ fileId: file.fileId, cid: file.cid, thumbnail: THUMB })
    assert.equal(await handlers['thumbnails.get']({ fileId: file.fileId }), null)
    await handlers['thumbnails.put']({ fileId: file.fileId, cid: edited.file.cid, thumbnail: 'none' })
    assert.equal(await handlers['thumbnails.get']({ fileId: file.fileId }), 'none')

    const store = vault.thumbnails()
    assert.equal(await store.has(file.cid), true)
    await vault.files().remove(file.fileId)
    await vault.history().emptyTrash()
    assert.equal(await store.has(file.cid), false)
    assert.equal(await store.has(edited.file.cid), false)
  })
})
