import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import { restoreFolder } from '../../../core/folder-sync/restore-folder.ts'
import { syncVaultOf } from '../../../core/folder-sync/vault-port.ts'
import { NodeFolderSource } from '../../../desktop/folders/node-folder-source.ts'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { tempFolder } from './support.ts'

// "Restore a folder…" when one file of it cannot be read (its blocks lost or
// not on this device): the rest must still be written, and the one missing
// named. Before, the restore stopped at that file with an error, leaving a
// part written, and trying again was refused as "the folder is not empty".

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

describe('folder sync: restoring a folder one of whose files cannot be read', () => {
  it('writes every other file and names the one it could not', async () => {
    const { vault, blockstore } = await startVault(cleanups)
    const texts = { 'Photos/a.txt': 'first', 'Photos/b.txt': 'lost', 'Photos/c/d.txt': 'third' }
    for (const [path, text] of Object.entries(texts)) await vault.files().add({ file: new Blob([text]), path, mtime: Date.UTC(2024, 0, 1), type: '' })
    const lost = vault.files().list().find(f => f.path === 'Photos/b.txt')
    assert.ok(lost !== undefined)
    await blockstore.delete(CID.parse(lost.cid))

    const target = await tempFolder(cleanups)
    const result = await restoreFolder(new NodeFolderSource(target), syncVaultOf(() => vault.files()), 'Photos')
    assert.equal(result.files, 2)
    assert.equal(await readFile(join(target, 'a.txt'), 'utf8'), 'first')
    assert.equal(await readFile(join(target, 'c', 'd.txt'), 'utf8'), 'third')
    assert.deepEqual(result.failed.map(f => f.path), ['b.txt'])
    assert.match(result.failed[0]?.code ?? '', /^[A-Z_]+$/, 'an app error code the page has words for')
    assert.ok(!(await readdir(target)).includes('b.txt'), 'no part of the unreadable file is left')
  })
})
