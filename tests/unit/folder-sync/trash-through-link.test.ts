import assert from 'node:assert/strict'
import { mkdtemp, readFile, rename, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { CountingSource, engineFor, put, tempFolder } from './support.ts'

// Emptying `.cairn-trash` after 30 days deletes only what is inside the synced
// folder: a `.cairn-trash` that has become a link to a folder elsewhere is
// never deleted through, and one that cannot be emptied does not stop sync.

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const DAY = 86_400_000

describe('folder sync: emptying the folder\'s trash', () => {
  it('a .cairn-trash replaced by a link to a folder elsewhere: nothing there is deleted, and the folder keeps syncing', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const outside = await mkdtemp(join(tmpdir(), 'cairn-outside-'))
    cleanups.push(async () => { await rm(outside, { recursive: true, force: true }) })
    let now = Date.UTC(2026, 5, 1)
    await put(root, 'old.txt', 'old', now - 3_600_000)
    const { engine } = engineFor(vault, new CountingSource(root), { mode: 'two-way' }, () => now)
    await engine.scan()
    const file = vault.files().list().find(f => f.path === 'Documents/old.txt')
    assert.ok(file !== undefined)
    await vault.files().remove(file.fileId)
    assert.equal((await engine.scan()).trashed, 1)

    // The trash moved away, and a link to another folder, which has a folder of that day's name, put there instead.
    await rename(join(root, '.cairn-trash'), join(outside, 'moved-trash'))
    await put(outside, '2026-06-01/taxes.pdf', 'the user\'s own file, outside the synced folder')
    await symlink(outside, join(root, '.cairn-trash'))
    now += 31 * DAY
    await put(root, 'new.txt', 'a new file', now - 3_600_000)
    const report = await engine.scan()
    assert.equal(await readFile(join(outside, '2026-06-01/taxes.pdf'), 'utf8'), 'the user\'s own file, outside the synced folder')
    assert.equal(report.uploaded, 1, 'the rest of the folder still syncs')
  })
})
