import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { toBase64Url } from '../../../core/crypto/base64.ts'
import { vaultSigner } from '../../../core/crypto/vault-signing.ts'
import { ensureBoxKey } from '../../../core/vault/device-box-store.ts'
import { readPendingHandOver, sealHandOver, storePendingHandOver, unlockTakingHandOver } from '../../../core/vault/key-handover.ts'
import { KeyVault } from '../../../core/vault/key-vault.ts'

const PASSPHRASE = 'correct horse battery staple orbit lantern'

test('a pending hand-over that does not open for this device is dropped at unlock, and the vault opens on its wrapped key instead of never again', async () => {
  const datastore = new MemoryDatastore()
  const vk = globalThis.crypto.getRandomValues(new Uint8Array(32))
  const keys = new KeyVault(datastore)
  await keys.adopt(vk.slice(), PASSPHRASE)
  const box = await ensureBoxKey(datastore, vk)
  const signer = vaultSigner(vk)
  const oldVault = signer.vaultId
  signer.wipe()
  // Sealed to this device's box key, but bound to another device: it does not open here.
  const sealed = sealHandOver(globalThis.crypto.getRandomValues(new Uint8Array(32)), { peerId: '12D3KooWSomeOtherDevice', boxKey: toBase64Url(box.publicKey) }, oldVault)
  await storePendingHandOver(datastore, { oldVault, sealed })

  const opened = await unlockTakingHandOver(keys, datastore, PASSPHRASE, '12D3KooWThisDevice')
  assert.deepEqual(opened, { vaultKey: vk, handedOver: false, refused: true })
  assert.equal(await readPendingHandOver(datastore), undefined)
  assert.deepEqual((await unlockTakingHandOver(keys, datastore, PASSPHRASE, '12D3KooWThisDevice')).vaultKey, vk, 'the next unlock too')
})
