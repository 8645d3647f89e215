import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { dedupTag } from '../../../core/crypto/dedup-tag.ts'
import { dedupTagVersion } from '../../../core/crypto/dedup-tag-v2.ts'
import { fromBase64, toBase64 } from '../../../core/crypto/base64.ts'
import { generateFileKey } from '../../../core/crypto/stream-format.ts'
import type { IndexLog } from '../../../core/index/index-log.ts'
import type { Blockstore } from 'interface-blockstore'
import { RecordingBlockstore, storeEncrypted } from '../../../core/storage/encrypted-content.ts'
import type { TagHasher } from '../../../core/vault/vault-files.ts'
import type { VaultService } from '../../../core/vault/vault-service.ts'
import { hashTag, randomBytes, readAll, startVault, type Cleanups } from './share-test-support.ts'

const MiB = 1024 * 1024

/** The unlocked vault's index and dedup key: the test writes an entry the way the app did before version-2 tags. */
function sessionOf (vault: VaultService): { index: IndexLog, dedupKey: Uint8Array } {
  // A test-only look inside: the old add path is gone from the app, so the test plays it.
  return (vault as unknown as { session: { index: IndexLog, dedupKey: Uint8Array } }).session
}

/** Adds `content` as the app did before version-2 tags: STREAM encryptor into UnixFS, keyed BLAKE3 tag. */
async function addAsBefore (vault: VaultService, blockstore: Blockstore, content: Uint8Array, path: string): Promise<{ fileId: string, cid: string }> {
  const { index, dedupKey } = sessionOf(vault)
  const fileKey = generateFileKey()
  const cid = await storeEncrypted(new RecordingBlockstore(blockstore), new Blob([content as Uint8Array<ArrayBuffer>]).stream(), { fileKey })
  const view = await index.put({ cid: cid.toString(), size: content.length, mtime: 1, type: '', tag: toBase64(await dedupTag(dedupKey, content)), fk: toBase64(fileKey) }, path)
  return { fileId: view.fileId, cid: cid.toString() }
}

describe('dedup tag versions: content added before version 2', () => {
  const cleanups: Cleanups = []
  afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

  it('a file added with a version-1 tag still reads, and the same content added again is found (small and large)', async () => {
    let calls = 0
    const counting: TagHasher = async (key, file) => { calls++; return await hashTag(key, file) }
    const { vault, blockstore } = await startVault(cleanups, counting)
    const small = randomBytes(300_000)
    const large = randomBytes(9 * MiB + 3)
    const oldSmall = await addAsBefore(vault, blockstore, small, 'old small.bin')
    const oldLarge = await addAsBefore(vault, blockstore, large, 'old large.bin')
    assert.deepEqual(await readAll(vault.files().open(oldSmall.fileId).stream), small)
    assert.deepEqual(await readAll(vault.files().open(oldLarge.fileId).stream), large)

    const againSmall = await vault.files().add({ file: new Blob([small]), path: 'again small.bin', mtime: 2, type: '' })
    const againLarge = await vault.files().add({ file: new Blob([large]), path: 'again large.bin', mtime: 2, type: '' })
    assert.equal(againSmall.deduplicated, true)
    assert.equal(againSmall.file.cid, oldSmall.cid)
    assert.equal(againLarge.deduplicated, true)
    assert.equal(againLarge.file.cid, oldLarge.cid)
    assert.equal(calls, 2, 'the old tag is computed for content of a size the vault holds with an old tag')
    const fromStream = await vault.files().addStream({ stream: new Blob([large]).stream(), size: large.length, path: 'streamed.bin', mtime: 3, type: '' })
    assert.equal(fromStream.deduplicated, true)
    assert.equal(fromStream.file.cid, oldLarge.cid)
  })

  it('new content gets a version-2 tag and dedups by it; the old hasher is asked only for sizes an old tag has', async () => {
    let calls = 0
    const counting: TagHasher = async (key, file) => { calls++; return await hashTag(key, file) }
    const { vault, blockstore } = await startVault(cleanups, counting)
    await addAsBefore(vault, blockstore, randomBytes(1000), 'old.bin')
    const content = randomBytes(2 * MiB + 1)
    const first = await vault.files().add({ file: new Blob([content]), path: 'a.bin', mtime: 1, type: '' })
    const second = await vault.files().add({ file: new Blob([content]), path: 'b.bin', mtime: 1, type: '' })
    assert.equal(first.deduplicated, false)
    assert.equal(second.deduplicated, true)
    assert.equal(second.file.cid, first.file.cid)
    assert.equal(calls, 0)
    const { index } = sessionOf(vault)
    const entry = index.listFiles().find(f => f.path === 'a.bin')?.entry
    assert.equal(dedupTagVersion(fromBase64(entry?.tag ?? '')), 2)
    assert.deepEqual(await readAll(vault.files().open(first.file.fileId).stream), content)
    // Different content of an old file's size: the old tag is asked for, and it is not a duplicate.
    const sameSize = await vault.files().add({ file: new Blob([randomBytes(1000)]), path: 'c.bin', mtime: 1, type: '' })
    assert.equal(sameSize.deduplicated, false)
    assert.equal(calls, 1)
  })
})
