import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import { hashTag, PASSPHRASE } from './share-test-support.ts'

const running: VaultService[] = []
afterEach(async () => { for (const vault of running.splice(0)) await vault.stop() })

/** A vault service over these stores, as a reloaded tab starts one. */
async function start (stores = { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }) {
  const vault = new VaultService({ ...stores, hashTag, log: new LogBuffer().for('test'), deviceId: '12D3KooWTestDevice' }, { onStatus: () => {}, onFilesChanged: () => {} })
  await vault.start()
  running.push(vault)
  return { vault, stores }
}

test('a new vault remembers its recovery phrase is not confirmed yet, across a reload, until the user confirms it', async () => {
  const { vault, stores } = await start()
  await vault.create(PASSPHRASE)
  assert.equal(vault.status().recoveryPhraseUnconfirmed, true)
  // The tab is closed on the "Write down your recovery phrase" step.
  await vault.stop()
  const { vault: reloaded } = await start(stores)
  assert.equal(reloaded.status().state, 'locked')
  await reloaded.unlock(PASSPHRASE)
  assert.equal(reloaded.status().recoveryPhraseUnconfirmed, true, 'still unconfirmed after a reload')

  assert.equal((await reloaded.confirmRecoveryPhrase()).recoveryPhraseUnconfirmed, undefined)
  await reloaded.stop()
  const { vault: again } = await start(stores)
  await again.unlock(PASSPHRASE)
  assert.equal(again.status().recoveryPhraseUnconfirmed, undefined, 'confirmed stays confirmed')
})

test('only an open vault can be marked confirmed', async () => {
  const { vault } = await start()
  await vault.create(PASSPHRASE)
  await vault.lock()
  await assert.rejects(vault.confirmRecoveryPhrase(), (err: { code?: string }) => err.code === 'VAULT_LOCKED')
  assert.equal(vault.status().recoveryPhraseUnconfirmed, true)
})

test('a vault opened with its recovery phrase ("Forgot passphrase") counts as confirmed', async () => {
  const { vault } = await start()
  const phrase = await vault.create(PASSPHRASE)
  await vault.lock()
  await vault.recover(phrase, 'another fine evening by the sea')
  assert.equal(vault.status().recoveryPhraseUnconfirmed, undefined)
})

test('a vault made before this flag existed (settings without it, or none) is not nagged', async () => {
  const { vault, stores } = await start()
  await vault.create(PASSPHRASE)
  await vault.stop()
  // What an older Cairn left: settings written without the flag…
  await stores.datastore.put(new Key('/cairn/settings'), new TextEncoder().encode(JSON.stringify({ autoLockMinutes: 15 })))
  const { vault: older } = await start(stores)
  await older.unlock(PASSPHRASE)
  assert.equal(older.status().recoveryPhraseUnconfirmed, undefined)
  await older.stop()
  // …or no settings at all (auto-lock never changed).
  await stores.datastore.delete(new Key('/cairn/settings'))
  const { vault: oldest } = await start(stores)
  await oldest.unlock(PASSPHRASE)
  assert.equal(oldest.status().recoveryPhraseUnconfirmed, undefined)
})

test('a vault restored on a new device counts as confirmed, even where a create was cut short before', async () => {
  const { vault: first } = await start()
  await first.create(PASSPHRASE)
  const vaultKey = first.exportVaultKey()
  // This browser began a create once (the flag was written) but holds no vault.
  const datastore = new MemoryDatastore()
  await datastore.put(new Key('/cairn/settings'), new TextEncoder().encode(JSON.stringify({ autoLockMinutes: 15, recoveryPhraseConfirmed: false })))
  const { vault: restored } = await start({ blockstore: new MemoryBlockstore(), datastore })
  await restored.restore(vaultKey, 'another fine evening by the sea')
  assert.equal(restored.status().state, 'unlocked')
  assert.equal(restored.status().recoveryPhraseUnconfirmed, undefined)
})

test('a refused second create does not bring the reminder back', async () => {
  const { vault } = await start()
  await vault.create(PASSPHRASE)
  await vault.confirmRecoveryPhrase()
  await assert.rejects(vault.create(PASSPHRASE), (err: { code?: string }) => err.code === 'VAULT_EXISTS')
  assert.equal(vault.status().recoveryPhraseUnconfirmed, undefined)
})
