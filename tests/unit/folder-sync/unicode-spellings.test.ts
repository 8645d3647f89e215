import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { FolderSyncEngine } from '../../../core/folder-sync/folder-sync-engine.ts'
import { memoryScanState } from '../../../core/folder-sync/scan-state.ts'
import type { SyncMode } from '../../../core/folder-sync/sync-types.ts'
import { syncVaultOf } from '../../../core/folder-sync/vault-port.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { CountingSource, engineFor, put, tempFolder } from './support.ts'

// Linux holds "café.txt" typed as NFC and as NFD side by side; the vault (NFC)
// holds one file at that path. Each disk file must be backed up or reported,
// never added over the other's content under the same vault file.

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

type Vault = Awaited<ReturnType<typeof startVault>>['vault']

const NFC = 'caf\u00e9.txt'
const NFD = 'cafe\u0301.txt'

/** Live vault files as path → content. */
async function vaultFiles (vault: Vault): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const f of vault.files().list().filter(f => f.versionId === undefined)) out[f.path] = await new Response(vault.files().open(f.fileId).stream).text()
  return out
}

for (const mode of ['backup', 'two-way'] satisfies SyncMode[]) {
  describe(`folder sync (${mode}): names that differ only in Unicode normalisation`, () => {
    it('backs up the first, reports the second, and never adds the second over the first', async () => {
      const { vault } = await startVault(cleanups)
      const root = await tempFolder(cleanups)
      await put(root, NFC, 'typed on Linux')
      await put(root, NFD, 'copied from a Mac')
      const { engine } = engineFor(vault, new CountingSource(root), { mode })
      const first = await engine.scan()
      const again = await engine.scan()
      const files = await vaultFiles(vault)
      assert.deepEqual(Object.keys(files), [`Documents/${NFC}`])
      const held = files[`Documents/${NFC}`]
      const left = held === 'typed on Linux' ? NFD : NFC
      assert.deepEqual(first.skipped, [{ path: left, code: 'FOLDER_NAME_DUPLICATE' }])
      assert.deepEqual(again.skipped, [{ path: left, code: 'FOLDER_NAME_DUPLICATE' }], 'still said on every scan')
      assert.equal(first.uploaded, 1)
      assert.equal(again.uploaded + again.deduplicated, 0, 'the vault file keeps the first one\'s content')
    })

    it('once the one the vault shows is deleted on disk, the other is backed up at that path', async () => {
      const { vault } = await startVault(cleanups)
      const root = await tempFolder(cleanups)
      await put(root, NFC, 'typed on Linux')
      await put(root, NFD, 'copied from a Mac')
      const { engine } = engineFor(vault, new CountingSource(root), { mode })
      await engine.scan()
      const held = (await vaultFiles(vault))[`Documents/${NFC}`]
      const [gone, kept, keptText] = held === 'typed on Linux' ? [NFC, NFD, 'copied from a Mac'] : [NFD, NFC, 'typed on Linux']
      await rm(join(root, gone))
      const report = await engine.scan()
      assert.deepEqual(report.skipped, [])
      assert.equal(report.conflicts, 0, 'not a conflict: the same file, now under the other spelling')
      assert.deepEqual(await vaultFiles(vault), { [`Documents/${NFC}`]: keptText })
      const next = await engine.scan()
      assert.deepEqual([next.uploaded, next.deleted, next.written], [0, 0, 0], `then in step (${kept} stays)`)
      assert.deepEqual(await vaultFiles(vault), { [`Documents/${NFC}`]: keptText })
    })
  })
}

describe('folder sync: a folder an earlier version left with two spellings tracked to one vault file', () => {
  it('keeps the one whose content the vault shows, reports the other, and backs it up once the first is deleted', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await put(root, NFC, 'typed on Linux')
    const state = memoryScanState()
    const port = syncVaultOf(() => vault.files())
    const make = (): FolderSyncEngine => new FolderSyncEngine({ mode: 'backup', vaultFolder: 'Documents', settleMs: 0, deviceLabel: 'laptop' }, {
      source: new CountingSource(root), state, vault: port, log: new LogBuffer().for('folder-sync')
    })
    await make().scan()
    // As the scan before this fix left it: the NFD file added over the NFC one's vault file, both tracked to that file.
    await put(root, NFD, 'copied from a Mac')
    const nfcRecord = state.current.files[NFC]
    const listed = await new CountingSource(root).stat(NFD)
    assert.ok(nfcRecord !== undefined && listed !== undefined)
    const added = await port.add(`Documents/${NFC}`, new Blob(['copied from a Mac']).stream(), listed.size, listed.mtime)
    assert.equal(added.fileId, nfcRecord.fileId)
    state.current.files[NFD] = { ...nfcRecord, size: listed.size, mtime: listed.mtime, tag: added.tag }

    const engine = make()
    const report = await engine.scan()
    assert.deepEqual(report.skipped, [{ path: NFC, code: 'FOLDER_NAME_DUPLICATE' }])
    assert.deepEqual(await vaultFiles(vault), { [`Documents/${NFC}`]: 'copied from a Mac' })
    await rm(join(root, NFD))
    await engine.scan()
    assert.deepEqual(await vaultFiles(vault), { [`Documents/${NFC}`]: 'typed on Linux' })
  })
})
