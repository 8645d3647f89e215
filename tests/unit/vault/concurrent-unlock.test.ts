import assert from 'node:assert/strict'
import { it } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import { hashTag, PASSPHRASE } from '../vault/share-test-support.ts'

it('two unlocks at once (two tabs, a double submit) leave one session, and lock wipes every key', async () => {
  const blockstore = new PackBlockstore({ files: new MemoryPackFiles() })
  await blockstore.start()
  const datastore = new MemoryDatastore()
  let unlocked = 0
  const syncKeys: Uint8Array[] = []
  let locked = 0
  const vault = new VaultService(
    { blockstore, datastore, hashTag, log: new LogBuffer().for('test'), deviceId: '12D3KooWTestDevice' },
    { onStatus: () => {}, onFilesChanged: () => {}, onUnlocked: (s) => { unlocked++; syncKeys.push(s.syncKey) }, onLocked: () => { locked++ } }
  )
  await vault.start()
  await vault.create(PASSPHRASE)
  await vault.lock()
  unlocked = 0
  locked = 0
  syncKeys.length = 0
  const [a, b] = await Promise.all([vault.unlock(PASSPHRASE), vault.unlock(PASSPHRASE)])
  assert.equal(a.state, 'unlocked')
  assert.equal(b.state, 'unlocked')
  await vault.lock()
  await vault.stop()
  // Every session opened must also be closed (its keys wiped, its index stopped, its timers cleared).
  assert.ok(syncKeys.every(k => k.every(b => b === 0)), 'a subkey of the vault key is still in memory after lock')
  assert.equal(unlocked, locked, `${unlocked} sessions opened, ${locked} closed: a session with the vault key in memory was leaked`)
})

it('a lock asked while an unlock is under way (another tab, "Lock now") is not undone by it', async () => {
  const blockstore = new PackBlockstore({ files: new MemoryPackFiles() })
  await blockstore.start()
  const vault = new VaultService(
    { blockstore, datastore: new MemoryDatastore(), hashTag, log: new LogBuffer().for('test'), deviceId: '12D3KooWTestDevice' },
    { onStatus: () => {}, onFilesChanged: () => {} }
  )
  await vault.start()
  await vault.create(PASSPHRASE)
  await vault.lock()
  const unlocking = vault.unlock(PASSPHRASE)
  const locked = await vault.lock()
  await unlocking
  const state = vault.status().state
  await vault.stop()
  assert.equal(locked.state, 'locked')
  assert.equal(state, 'locked', 'the vault opened after the lock call returned "locked"')
})
