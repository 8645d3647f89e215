import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import type { VaultStatus } from '../../../core/rpc/api.ts'
import { hashTag, PASSPHRASE, randomBytes, readAll } from './share-test-support.ts'

/** Vaults a test opened; stopped after each test so no auto-lock timer keeps the process alive. */
const opened: VaultService[] = []
afterEach(async () => { for (const vault of opened.splice(0)) await vault.stop() })

async function newVault (stores?: { blockstore: PackBlockstore, datastore: MemoryDatastore }) {
  const blockstore = stores?.blockstore ?? new PackBlockstore({ files: new MemoryPackFiles() })
  if (stores === undefined) await blockstore.start()
  const datastore = stores?.datastore ?? new MemoryDatastore()
  const statuses: VaultStatus[] = []
  const vault = new VaultService(
    { blockstore, datastore, hashTag, log: new LogBuffer().for('test'), deviceId: '12D3KooWTestDevice' },
    { onStatus: (s) => { statuses.push(s) }, onFilesChanged: () => {} }
  )
  await vault.start()
  opened.push(vault)
  return { vault, blockstore, datastore, statuses }
}

function randomBlob (size: number): Blob {
  return new Blob([randomBytes(size)])
}

async function assertCode (promise: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  await assert.rejects(async () => { await (typeof promise === 'function' ? promise() : promise) }, (err: { code?: string }) => err.code === code)
}

describe('vault service', () => {
  it('stores files encrypted, lists them, and reads them back after lock and unlock', async () => {
    const { vault, statuses } = await newVault()
    assert.equal(vault.status().state, 'none')
    const phrase = await vault.create(PASSPHRASE)
    assert.equal(phrase.split(' ').length, 24)
    assert.equal(vault.status().state, 'unlocked')

    const content = randomBlob(3 * 1024 * 1024 + 7)
    const added = await vault.files().add({ file: content, path: 'docs/report.pdf', mtime: 1_700_000_000_000, type: 'application/pdf' })
    assert.equal(added.deduplicated, false)
    assert.deepEqual(vault.files().list().map(f => [f.path, f.size, f.type]), [['docs/report.pdf', content.size, 'application/pdf']])

    await vault.lock()
    assert.equal(vault.status().state, 'locked')
    assert.equal(statuses.at(-1)?.state, 'locked')
    await assertCode(() => vault.files(), 'VAULT_LOCKED')
    await assertCode(vault.unlock('not it at all, sorry'), 'WRONG_PASSPHRASE')
    assert.equal(vault.status().state, 'locked')

    await vault.unlock(PASSPHRASE)
    const { stream } = vault.files().open(added.file.fileId)
    assert.deepEqual(await readAll(stream), new Uint8Array(await content.arrayBuffer()))
  })

  it('adding content the vault already holds stores nothing new, small or large', async () => {
    const { vault, blockstore } = await newVault()
    await vault.create(PASSPHRASE)
    for (const size of [1000, 12 * 1024 * 1024]) {
      const content = randomBlob(size)
      const first = await vault.files().add({ file: content, path: `a-${size}.bin`, mtime: 1, type: '' })
      const before = blockstore.stats()
      const again = await vault.files().add({ file: content, path: `b-${size}.bin`, mtime: 2, type: '' })
      assert.equal(again.deduplicated, true)
      assert.equal(again.file.cid, first.file.cid)
      const after = blockstore.stats()
      // Only the small index block for the new name was added.
      assert.ok(after.bytes - before.bytes < 4096, `stored ${after.bytes - before.bytes} new bytes`)
      const { stream } = vault.files().open(again.file.fileId)
      assert.equal((await readAll(stream)).length, size)
    }
  })

  it('rename and delete survive a restart on the same stores', async () => {
    const { vault, blockstore, datastore } = await newVault()
    await vault.create(PASSPHRASE)
    const a = await vault.files().add({ file: randomBlob(10), path: 'a.txt', mtime: 1, type: 'text/plain' })
    const b = await vault.files().add({ file: randomBlob(20), path: 'b.txt', mtime: 1, type: 'text/plain' })
    await vault.files().rename(a.file.fileId, 'renamed/a.txt')
    await vault.files().remove(b.file.fileId)
    await vault.stop()

    const { vault: reopened } = await newVault({ blockstore, datastore })
    assert.equal(reopened.status().state, 'locked')
    await reopened.unlock(PASSPHRASE)
    assert.deepEqual(reopened.files().list().map(f => f.path), ['renamed/a.txt'])
  })

  it('the recovery phrase replaces a forgotten passphrase; a changed passphrase retires the old one', async () => {
    const { vault } = await newVault()
    const phrase = await vault.create(PASSPHRASE)
    await vault.lock()
    await assertCode(vault.recover(phrase, 'short'), 'WEAK_PASSPHRASE')
    const words = phrase.split(' ')
    words[0] = words[0] === 'zoo' ? 'zone' : 'zoo'
    // Usually the BIP-39 checksum catches it; about 1 in 256 typos pass it and the key check catches those.
    await assert.rejects(vault.recover(words.join(' '), 'another fine evening by the sea'), (err: { code?: string }) => err.code === 'BAD_RECOVERY_PHRASE' || err.code === 'WRONG_RECOVERY_PHRASE')
    await vault.recover(phrase, 'another fine evening by the sea')
    assert.equal(vault.status().state, 'unlocked')

    await vault.changePassphrase('another fine evening by the sea', 'the third and final one')
    await vault.lock()
    await assertCode(vault.unlock('another fine evening by the sea'), 'WRONG_PASSPHRASE')
    await vault.unlock('the third and final one')
    assert.equal(await vault.revealRecoveryPhrase('the third and final one'), phrase)
  })

  it('locking during an upload stops it with VAULT_LOCKED and keeps nothing of it', async () => {
    const { vault, blockstore } = await newVault()
    await vault.create(PASSPHRASE)
    const before = blockstore.stats()
    // Locks as soon as the first chunk is stored: in the middle of the upload, whatever the machine's speed.
    const size = 40 * 1024 * 1024
    let locking: Promise<unknown> | undefined
    const upload = vault.files().add({
      file: randomBlob(size),
      path: 'big.bin',
      mtime: 1,
      type: '',
      onProgress: (done) => { if (done > 0 && done < size) locking ??= vault.lock() }
    })
    await assertCode(upload, 'VAULT_LOCKED')
    assert.ok(locking !== undefined, 'the lock came after part of the file was stored')
    await locking
    assert.equal(blockstore.stats().bytes, before.bytes)
    await vault.unlock(PASSPHRASE)
    assert.deepEqual(vault.files().list(), [])
  })
})
