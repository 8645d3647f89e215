import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { AutoLock } from '../../../core/vault/auto-lock.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import { hashTag, PASSPHRASE } from './share-test-support.ts'

async function vaultWith (defaultAutoLockMinutes: number | undefined, datastore = new MemoryDatastore()): Promise<VaultService> {
  const blockstore = new PackBlockstore({ files: new MemoryPackFiles() })
  await blockstore.start()
  const vault = new VaultService(
    { blockstore, datastore, hashTag, log: new LogBuffer().for('test'), deviceId: '12D3KooWTestDevice', ...(defaultAutoLockMinutes !== undefined ? { defaultAutoLockMinutes } : {}) },
    { onStatus: () => {}, onFilesChanged: () => {} }
  )
  await vault.start()
  return vault
}

test('auto-lock 0 is "never": no timer runs, and the desktop host makes it the default of a fresh vault', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] })
  let fired = 0
  const never = new AutoLock(0, () => { fired++ })
  never.arm()
  t.mock.timers.tick(365 * 24 * 60 * 60_000)
  assert.equal(fired, 0)
  const soon = new AutoLock(1, () => { fired++ })
  soon.arm()
  t.mock.timers.tick(60_000)
  assert.equal(fired, 1, 'a real timeout still fires')
  t.mock.timers.reset()

  const desktop = await vaultWith(0)
  await desktop.create(PASSPHRASE)
  assert.equal(desktop.status().autoLockMinutes, 0)
  await desktop.stop()
  const browser = await vaultWith(undefined)
  assert.equal(browser.status().autoLockMinutes, 15, 'a browser keeps the 15-minute default')
  await browser.stop()
})

test('a chosen auto-lock wins over the host default, and 0 is accepted while other values outside the bounds are refused', async () => {
  const datastore = new MemoryDatastore()
  const vault = await vaultWith(0, datastore)
  await vault.setAutoLock(30)
  await vault.stop()
  const again = await vaultWith(0, datastore)
  assert.equal(again.status().autoLockMinutes, 30)
  assert.equal((await again.setAutoLock(0)).autoLockMinutes, 0)
  await assert.rejects(again.setAutoLock(-1), (err: { code?: string }) => err.code === 'INVALID_ARGUMENT')
  await assert.rejects(again.setAutoLock(0.01), (err: { code?: string }) => err.code === 'INVALID_ARGUMENT')
  await again.stop()
})
