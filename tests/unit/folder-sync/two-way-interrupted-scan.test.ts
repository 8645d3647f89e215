import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { FolderSyncEngine } from '../../../core/folder-sync/folder-sync-engine.ts'
import { memoryScanState, type ScanState } from '../../../core/folder-sync/scan-state.ts'
import { syncVaultOf } from '../../../core/folder-sync/vault-port.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { CountingSource, diskTexts, put, tempFolder, vaultTexts } from './support.ts'

// A scan that wrote another device's edit to disk and then stopped before
// saving its state (the app killed, the state save failed) leaves the disk
// changed since the state it saved last. The next scan must see that the
// disk already holds the vault's version, not take it for an edit made here.

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const NOW = Date.UTC(2026, 5, 1)

describe('folder sync: two-way after a scan that stopped before saving', () => {
  it('the vault\'s edit already written to disk is tracked again, with no conflict copy', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await put(root, 'plan.txt', 'v1', NOW - 3_600_000)
    const state = memoryScanState()
    let killed = false
    const store = {
      ...state,
      save: async (s: ScanState) => {
        if (killed) throw Object.assign(new Error('the app was killed'), { code: 'KILLED' })
        await state.save(s)
      }
    }
    // A new engine each time: the app starts again and loads the state saved last.
    const start = (): FolderSyncEngine => new FolderSyncEngine({ mode: 'two-way', vaultFolder: 'Documents', settleMs: 0, deviceLabel: 'laptop' }, {
      source: new CountingSource(root), state: store, vault: syncVaultOf(() => vault.files()), log: new LogBuffer().for('folder-sync'), now: () => NOW
    })
    await start().scan()
    await vault.files().add({ file: new Blob(['v2 from the phone']), path: 'Documents/plan.txt', mtime: Date.UTC(2024, 1, 2), type: '' })
    killed = true
    await assert.rejects(start().scan())
    assert.equal(await readFile(join(root, 'plan.txt'), 'utf8'), 'v2 from the phone', 'the edit reached the disk before the stop')
    killed = false

    const report = await start().scan()
    assert.equal(report.conflicts, 0)
    assert.equal(report.uploaded + report.written, 0, 'nothing to send either way')
    assert.deepEqual(await diskTexts(root), { 'plan.txt': 'v2 from the phone' })
    assert.deepEqual(await vaultTexts(vault), { 'Documents/plan.txt': 'v2 from the phone' })
    assert.equal(state.current.files['plan.txt']?.size, 'v2 from the phone'.length, 'the state is saved, so the file is not read again')
  })
})
