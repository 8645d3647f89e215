import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import type { FolderEntry, FolderListOptions } from '../../../core/folder-sync/folder-source.ts'
import { NodeFolderSource } from '../../../desktop/folders/node-folder-source.ts'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { engineFor, put, tempFolder } from '../folder-sync/support.ts'

// The listing never follows links (lstat), and neither may the read: a file swapped for a link
// between the listing and the read (by someone else who can write to the synced folder, a shared
// or group-writable one) must not make the daemon, running as the user, read a file outside the
// folder (~/.ssh/id_ed25519) into the vault.

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----'

async function secretOutside (): Promise<{ dir: string, secret: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-home-'))
  cleanups.push(async () => { await rm(dir, { recursive: true, force: true }) })
  const secret = join(dir, 'id_ed25519')
  await writeFile(secret, KEY)
  return { dir, secret }
}

/** The node adapter, with `swap` done right after the listing (the race, made certain). */
class SwappedAfterListing extends NodeFolderSource {
  constructor (root: string, private readonly swap: () => Promise<void>) { super(root) }
  override async * list (options?: FolderListOptions): AsyncIterable<FolderEntry> {
    const entries: FolderEntry[] = []
    for await (const entry of super.list(options)) entries.push(entry)
    await this.swap()
    yield * entries
  }
}

async function storedText (vault: Awaited<ReturnType<typeof startVault>>['vault'], path: string): Promise<string | undefined> {
  const file = vault.files().list().find((f) => f.path === path)
  return file === undefined ? undefined : await new Response(vault.files().open(file.fileId).stream).text()
}

describe('NodeFolderSource.read: nothing outside the synced folder', () => {
  it('a link at the name is not followed: the read fails as gone (FILE_NOT_FOUND)', async () => {
    const root = await tempFolder(cleanups)
    const { secret } = await secretOutside()
    await symlink(secret, join(root, 'report.txt'))
    await assert.rejects(new NodeFolderSource(root).read('report.txt'), { code: 'FILE_NOT_FOUND' })
  })

  it('a file under a folder that is a link is refused (FOLDER_PATH_UNSAFE)', async () => {
    const root = await tempFolder(cleanups)
    const { dir } = await secretOutside()
    await symlink(dir, join(root, 'keys'))
    await assert.rejects(new NodeFolderSource(root).read('keys/id_ed25519'), { code: 'FOLDER_PATH_UNSAFE' })
  })

  it('a listed file replaced by a link before it is read is not uploaded, and waits for the next scan', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const { secret } = await secretOutside()
    // Same size as the key, so the content read would be all of it.
    await put(root, 'report.txt', 'x'.repeat(KEY.length))
    const source = new SwappedAfterListing(root, async () => {
      await unlink(join(root, 'report.txt'))
      await symlink(secret, join(root, 'report.txt'))
    })
    const { engine } = engineFor(vault, source, { mode: 'backup' })
    const report = await engine.scan()
    assert.equal(await storedText(vault, 'Documents/report.txt'), undefined, 'a file outside the synced folder was read into the vault through a link')
    assert.equal(report.uploaded, 0)
    assert.equal(report.unsettled, 1, 'the file changed under the read: counted as still settling')
  })

  it('a listed file whose folder is swapped for a link before it is read is not uploaded', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const { dir } = await secretOutside()
    await put(root, 'keys/id_ed25519', 'x'.repeat(KEY.length))
    const source = new SwappedAfterListing(root, async () => {
      await rename(join(root, 'keys'), join(root, 'old-keys'))
      await symlink(dir, join(root, 'keys'))
    })
    const { engine } = engineFor(vault, source, { mode: 'backup' })
    const report = await engine.scan()
    assert.equal(await storedText(vault, 'Documents/keys/id_ed25519'), undefined, 'a file outside the synced folder was read into the vault through a linked folder')
    assert.deepEqual(report.skipped, [{ path: 'keys/id_ed25519', code: 'FOLDER_PATH_UNSAFE' }])
  })

  it('a plain file, also one in a subfolder, still reads', async () => {
    const root = await tempFolder(cleanups)
    await mkdir(join(root, 'a'))
    await writeFile(join(root, 'a', 'b.txt'), 'bee')
    assert.equal(await new Response(await new NodeFolderSource(root).read('a/b.txt')).text(), 'bee')
  })
})
