import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { restoreFolder } from '../../../core/folder-sync/restore-folder.ts'
import { syncVaultOf } from '../../../core/folder-sync/vault-port.ts'
import { NodeFolderSource } from '../../../desktop/folders/node-folder-source.ts'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { tempFolder } from './support.ts'

// "Restore a folder…" into a network share whose server went away: every
// later write would fail the same way (after the share's own timeout each),
// so the restore must stop at the first with the reason, not grind through
// every file and report each as failed.

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

/** A folder whose writes fail as a dropped SMB/NFS mount's do. */
class DroppedShare extends NodeFolderSource {
  writes = 0
  override async write (): Promise<never> {
    this.writes++
    throw Object.assign(new Error('ENOTCONN: socket is not connected, open'), { code: 'ENOTCONN' })
  }
}

describe('folder sync: restoring into a share that drops', () => {
  it('stops at the first write with the share-disconnected reason', async () => {
    const { vault } = await startVault(cleanups)
    for (const name of ['a', 'b', 'c', 'd']) await vault.files().add({ file: new Blob([name]), path: `Docs/${name}.txt`, mtime: Date.UTC(2024, 0, 1), type: '' })
    const share = new DroppedShare(await tempFolder(cleanups))
    await assert.rejects(restoreFolder(share, syncVaultOf(() => vault.files()), 'Docs'), { code: 'FOLDER_SHARE_DISCONNECTED' })
    assert.equal(share.writes, 1, 'no write is tried after the share dropped')
  })
})
