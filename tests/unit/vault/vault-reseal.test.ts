import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { ShareStore, newShareId, type ShareRecord } from '../../../core/share/share-store.ts'
import { KeepRules } from '../../../core/vault/keep-rules.ts'
import { resealVaultData } from '../../../core/vault/vault-reseal.ts'

const key = (): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(32))

test('after a key rotation the shares and "Keep on this device" rules open under the new key, and no longer under the old one', async () => {
  const datastore = new MemoryDatastore()
  const [oldKey, newKey] = [key(), key()]
  const share: ShareRecord = { id: newShareId(), fileId: 'f1', cid: 'bafyroot', name: 'a.txt', size: 3, type: 'text/plain', createdAt: 1, link: 'https://cairn.example/s#secret' }
  await new ShareStore(datastore, deriveSubkey(oldKey, 'shares')).add(share)
  const files = [{ fileId: 'f1', path: 'docs/a.txt' }, { fileId: 'f2', path: 'b.txt' }]
  await new KeepRules(datastore, deriveSubkey(oldKey, 'keep')).set({ folder: 'docs' }, true, files)

  await resealVaultData(datastore, oldKey, newKey)

  assert.deepEqual(await new ShareStore(datastore, deriveSubkey(newKey, 'shares')).list(), [share])
  // Under the old key the record no longer opens: it counts as damaged, never as a share.
  assert.deepEqual(await new ShareStore(datastore, deriveSubkey(oldKey, 'shares')).survey(), { records: [], damaged: 1 })
  const rules = new KeepRules(datastore, deriveSubkey(newKey, 'keep'))
  await rules.load()
  assert.equal(rules.damaged, false)
  assert.deepEqual(files.map(f => rules.isKept(f)), [true, false])
  const old = new KeepRules(datastore, deriveSubkey(oldKey, 'keep'))
  await old.load()
  assert.equal(old.damaged, true)
})
