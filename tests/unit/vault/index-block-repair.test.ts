import assert from 'node:assert/strict'
import { afterEach, it } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { BlockRepair } from '../../../core/vault/block-repair.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import type { IndexLog } from '../../../core/index/index-log.ts'
import { hashTag, PASSPHRASE, readAll, type Cleanups } from './share-test-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

/** A vault on a memory pack store whose damaged blocks are fetched from `copies` (as from a backup peer). */
async function vaultOnPacks (copies: Map<string, Uint8Array>) {
  const files = new MemoryPackFiles()
  const blockstore = new PackBlockstore({ files })
  await blockstore.start()
  const logs = new LogBuffer()
  let index: IndexLog | undefined
  const repair = new BlockRepair({
    store: blockstore,
    source: { fetch: async (cid) => { const copy = copies.get(cid.toString()); if (copy === undefined) throw new Error('no peer has it'); return copy } },
    log: logs.for('storage')
  }, { timeoutMs: 500 })
  const vault = new VaultService(
    { blockstore, datastore: new MemoryDatastore(), hashTag, log: logs.for('vault'), deviceId: '12D3KooWTestDevice', readHealth: { repair, onHealth: () => {} } },
    { onStatus: () => {}, onFilesChanged: () => {}, onUnlocked: (session) => { index = session.index } }
  )
  await vault.start()
  cleanups.push(async () => { await vault.stop(); await blockstore.stop() })
  await vault.create(PASSPHRASE)
  return { vault, files, blockstore, logs, index: () => index as IndexLog }
}

/** Flips a byte in the middle of `cid`'s bytes, in whichever pack holds them. */
async function damage (files: MemoryPackFiles, bytes: Uint8Array): Promise<void> {
  for (const name of await files.list()) {
    const at = name.endsWith('.pack') ? Buffer.from(files.bytes(name)).indexOf(Buffer.from(bytes)) : -1
    if (at >= 0) { files.flipByte(name, at + Math.floor(bytes.length / 2)); return }
  }
  throw new Error('block not found in any pack')
}

it('a damaged block of the file list is fetched again from a peer at unlock; without a good copy the unlock says so and changes nothing', async () => {
  const copies = new Map<string, Uint8Array>()
  const v = await vaultOnPacks(copies)
  const added = await v.vault.files().add({ file: new Blob(['kept safe']), path: 'notes.txt', mtime: 1, type: 'text/plain' })
  const opBlock = CID.parse(v.index().blockCids()[0] as string)
  const good = await readWholeBlock(v.blockstore, opBlock)
  await v.vault.lock()
  await damage(v.files, good)

  // No peer holds it: the unlock fails in words, and the store is as it was.
  await assert.rejects(v.vault.unlock(PASSPHRASE), (err: { code?: string }) => err.code === 'STORAGE_FAILED' || err.code === 'INDEX_CHAIN_BROKEN')
  assert.equal(v.vault.status().state, 'locked')
  assert.ok(v.logs.recent().some(l => /the file list's block .* no peer sent a good copy/.test(l.message)))

  // A peer holds it (the backup peer pins every op block): the unlock repairs it and opens.
  copies.set(opBlock.toString(), good)
  await v.vault.unlock(PASSPHRASE)
  assert.deepEqual(v.vault.files().list().map(f => f.path), ['notes.txt'])
  assert.equal(new TextDecoder().decode(await readAll(v.vault.files().open(added.file.fileId).stream)), 'kept safe')
  assert.ok(v.logs.recent().some(l => /repaired the file list's block/.test(l.message)))
  // Repaired in the store: the next unlock needs no peer.
  copies.clear()
  await v.vault.lock()
  await v.vault.unlock(PASSPHRASE)
  assert.deepEqual(v.vault.files().list().map(f => f.path), ['notes.txt'])
})
