import assert from 'node:assert/strict'
import { rm, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { FolderRunner } from '../../../core/folder-sync/folder-runner.ts'
import { memoryScanState } from '../../../core/folder-sync/scan-state.ts'
import { syncVaultOf } from '../../../core/folder-sync/vault-port.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { CountingSource, put, SETTLED, tempFolder } from './support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

describe('folder sync: a folder\'s "Last changes"', () => {
  it('counts the changes since the folder was last in step, not those of a round already done before a file still being written', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const runner = new FolderRunner({ id: 'f', label: 'F', location: { kind: 'path', path: root }, mode: 'backup', vaultFolder: 'F', paused: false }, {
      vault: syncVaultOf(() => vault.files()), state: memoryScanState(), log: new LogBuffer().for('folders'), deviceLabel: () => 'laptop', onChanged: () => {}, onVaultChanged: () => {}
    }, { rescanMs: 600_000, debounceMs: 600_000, settleMs: 60_000 })
    cleanups.push(async () => { await runner.stop() })
    await put(root, 'gone soon.txt', 'x')
    await runner.start(new CountingSource(root))
    await runner.scan()
    assert.equal(runner.info().last?.uploaded, 1)

    await rm(join(root, 'gone soon.txt'))
    await runner.scan()
    assert.deepEqual([runner.info().last?.deleted, runner.info().state], [1, 'in-step'])

    // A file still being written: scans leave it, and count nothing.
    await put(root, 'recording.bin', 'still growing', Date.now())
    await runner.scan()
    assert.equal(runner.info().state, 'syncing')
    // Written: the next scan sends it, and that upload is the whole of this round.
    await utimes(join(root, 'recording.bin'), new Date(SETTLED), new Date(SETTLED))
    await runner.scan()
    assert.equal(runner.info().state, 'in-step')
    assert.deepEqual(runner.info().last, { uploaded: 1, deleted: 0, moved: 0, written: 0, trashed: 0, conflicts: 0 })
  })
})
