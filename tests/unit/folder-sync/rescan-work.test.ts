import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { FolderSyncEngine } from '../../../core/folder-sync/folder-sync-engine.ts'
import { memoryScanState, type ScanStateStore } from '../../../core/folder-sync/scan-state.ts'
import { syncVaultOf, type SyncVault } from '../../../core/folder-sync/vault-port.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { NodeFolderSource } from '../../../desktop/folders/node-folder-source.ts'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { put, tempFolder } from './support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

/** What a scan asked of the state store and the vault. */
interface Calls { loads: number, saves: number, lists: number }

async function setUp (): Promise<{ root: string, engine: FolderSyncEngine, calls: Calls, store: ScanStateStore }> {
  const { vault } = await startVault(cleanups)
  const root = await tempFolder(cleanups)
  for (let i = 0; i < 40; i++) await put(root, `d${i % 4}/f${i}.txt`, `file ${i}`)
  const calls: Calls = { loads: 0, saves: 0, lists: 0 }
  const memory = memoryScanState()
  const store: ScanStateStore = {
    load: async () => { calls.loads++; return await memory.load() },
    save: async (state) => { calls.saves++; await memory.save(state) },
    clear: async () => { await memory.clear() }
  }
  const port = syncVaultOf(() => vault.files())
  const counted: SyncVault = { ...port, list: () => { calls.lists++; return port.list() } }
  const engine = new FolderSyncEngine({ mode: 'backup', vaultFolder: 'Documents', settleMs: 0, deviceLabel: 'laptop' }, {
    source: new NodeFolderSource(root), vault: counted, state: store, log: new LogBuffer().for('folder-sync')
  })
  return { root, engine, calls, store }
}

describe('folder sync: the work a rescan does', () => {
  it('a rescan with nothing changed neither loads nor saves the scan state, nor lists the vault', async () => {
    const { engine, calls } = await setUp()
    assert.equal((await engine.scan()).uploaded, 40)
    assert.deepEqual(calls, { loads: 1, saves: 1, lists: 0 })
    for (let i = 0; i < 3; i++) {
      const report = await engine.scan()
      assert.equal(report.uploaded + report.deleted + report.moved, 0)
      assert.equal(report.tracked, 40)
    }
    assert.deepEqual(calls, { loads: 1, saves: 1, lists: 0 })
  })

  it('a file gone from disk is still noticed from the kept state, and saved', async () => {
    const { root, engine, calls } = await setUp()
    await engine.scan()
    await rm(join(root, 'd1/f5.txt'))
    const report = await engine.scan()
    assert.equal(report.deleted, 1)
    assert.equal(report.tracked, 39)
    assert.deepEqual(calls, { loads: 1, saves: 2, lists: 1 })
  })

  it('after a scan that failed, the next one starts from the saved state', async () => {
    const { root, engine, calls } = await setUp()
    await engine.scan()
    await rm(root, { recursive: true })
    await assert.rejects(engine.scan(), { code: 'SYNC_FOLDER_UNAVAILABLE' })
    for (let i = 0; i < 40; i++) await put(root, `d${i % 4}/f${i}.txt`, `file ${i}`)
    const report = await engine.scan()
    assert.equal(calls.loads, 2)
    assert.equal(report.tracked, 40)
  })
})
