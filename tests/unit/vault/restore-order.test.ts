import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import { HEADS_PREFIX } from '../../../core/index/constants.ts'
import { hashTag, PASSPHRASE } from './share-test-support.ts'

async function freshDevice (): Promise<{ vault: VaultService, datastore: MemoryDatastore }> {
  const blockstore = new PackBlockstore({ files: new MemoryPackFiles() })
  await blockstore.start()
  const datastore = new MemoryDatastore()
  const vault = new VaultService({ blockstore, datastore, hashTag, log: new LogBuffer().for('test'), deviceId: '12D3KooWFreshDevice' }, { onStatus: () => {}, onFilesChanged: () => {} })
  await vault.start()
  return { vault, datastore }
}

// DESIGN §5 "Restore": the key record is written only after the index opened and checked.
describe('restore writes the key record last', () => {
  it('an index that fails its checks leaves no vault behind, and a later restore can still succeed', async () => {
    const { vault, datastore } = await freshDevice()
    const vaultKey = globalThis.crypto.getRandomValues(new Uint8Array(32))
    await datastore.put(new Key(`${HEADS_PREFIX}/12D3KooWOtherDevice`), new TextEncoder().encode('{"v":2,"device":"12D3KooWOtherDevice","cid":"bafy","seq":1,"mac":"AAAA"}'))
    await assert.rejects(vault.restore(vaultKey.slice(), PASSPHRASE), (err: { code?: string }) => typeof err.code === 'string' && err.code.startsWith('INDEX_'))
    assert.equal(vault.status().state, 'none', 'no key record was written')

    await datastore.delete(new Key(`${HEADS_PREFIX}/12D3KooWOtherDevice`))
    assert.equal((await vault.restore(vaultKey, PASSPHRASE)).state, 'unlocked')
    await vault.lock()
    assert.equal((await vault.unlock(PASSPHRASE)).state, 'unlocked')
    await vault.stop()
  })

  it('a weak passphrase is refused before anything opens', async () => {
    const { vault } = await freshDevice()
    await assert.rejects(vault.restore(new Uint8Array(32).fill(1), 'short'), (err: { code?: string }) => err.code === 'WEAK_PASSPHRASE')
    assert.equal(vault.status().state, 'none')
    await vault.stop()
  })
})
