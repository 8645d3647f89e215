import assert from 'node:assert/strict'
import { rename } from 'node:fs/promises'
import { afterEach, describe, it } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { FolderSyncService } from '../../../core/folder-sync/folder-sync-service.ts'
import { syncVaultOf } from '../../../core/folder-sync/vault-port.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { createPathFolderOpener } from '../../../desktop/folders/path-folder-opener.ts'
import { waitFor } from '../support/polling.ts'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { put, tempFolder } from './support.ts'

// A synced folder on a drive that is not plugged in when the vault opens
// (the app started before the drive was): the card says it cannot be reached;
// once the drive is back, "Sync now" and the schedule must pick it up again.

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

async function startService (rescanMs: number): Promise<{ service: FolderSyncService, vault: Awaited<ReturnType<typeof startVault>>['vault'] }> {
  const { vault } = await startVault(cleanups)
  const service = new FolderSyncService({
    datastore: new MemoryDatastore(),
    vault: syncVaultOf(() => vault.files()),
    opener: createPathFolderOpener({ dataDir: '/nonexistent/cairn-data' }),
    log: new LogBuffer().for('folders'),
    deviceLabel: () => 'laptop',
    onChanged: () => {},
    onVaultChanged: () => {}
  }, { rescanMs, debounceMs: 50, settleMs: 0 })
  await service.attach(new Uint8Array(32).fill(7))
  cleanups.push(async () => { await service.detach() })
  return { service, vault }
}

/** A folder synced once, then the vault locked and the drive taken away; the vault opened again without it. */
async function unpluggedAtStart (rescanMs: number): Promise<{ service: FolderSyncService, vault: Awaited<ReturnType<typeof startVault>>['vault'], id: string, plugIn: () => Promise<void> }> {
  const { service, vault } = await startService(rescanMs)
  const root = await tempFolder(cleanups)
  await put(root, 'a.txt', 'a')
  const { id } = await service.add({ location: { kind: 'path', path: root }, mode: 'backup', vaultFolder: 'Drive' })
  await waitFor(() => service.list()[0]?.state === 'in-step', 15_000, 'the first scan')
  await service.detach()
  await rename(root, `${root}-away`)
  cleanups.push(async () => { await rename(`${root}-away`, root).catch(() => {}) })
  await service.attach(new Uint8Array(32).fill(7))
  assert.equal(service.list()[0]?.state, 'unavailable')
  return {
    service, vault, id,
    plugIn: async () => {
      await rename(`${root}-away`, root)
      await put(root, 'b.txt', 'b', Date.now() - 1000)
    }
  }
}

describe('folder sync: a folder not there when the vault opens', () => {
  it('"Sync now" once it is back: in step again, and the new file backed up', async () => {
    const { service, vault, id, plugIn } = await unpluggedAtStart(600_000)
    await plugIn()
    const info = await service.syncNow(id)
    assert.equal(info.state, 'in-step')
    assert.ok(vault.files().list().some(f => f.path === 'Drive/b.txt'), 'the file added while away is backed up')
  })

  it('the schedule finds it back without a click', async () => {
    const { service, vault, plugIn } = await unpluggedAtStart(200)
    await plugIn()
    await waitFor(() => service.list()[0]?.state === 'in-step' && vault.files().list().some(f => f.path === 'Drive/b.txt'), 15_000, 'the folder to be found again on the schedule')
  })
})
