import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, realpath, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import type { FolderSource } from '../../../core/folder-sync/folder-source.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { startVaultNode } from '../../../core/node/vault-node.ts'
import { openDesktopStores } from '../../../desktop/daemon/desktop-stores.ts'
import { desktopNodeHost } from '../../../desktop/daemon/node-host.ts'
import { createPathFolderOpener } from '../../../desktop/folders/path-folder-opener.ts'
import { PASSPHRASE } from '../vault/share-test-support.ts'

// The desktop syncs "any folder on disk, by path", and the default data folder is
// ~/.local/share/cairn, inside the home folder. Backing up ~ fed the vault its own pack files,
// SQLite datastore, launch pages and the window's browser profile; each upload changed them
// again, so every rescan uploaded them again: the folder never settled and the store grew
// without end. Syncing or restoring into the data folder itself wrote into the live stores.

const cleanups: Array<() => Promise<void>> = []
after(async () => { for (const undo of cleanups.reverse()) await undo() })

async function tempHome (): Promise<{ home: string, dataDir: string }> {
  const home = await mkdtemp(join(tmpdir(), 'cairn-home-'))
  cleanups.push(async () => { await rm(home, { recursive: true, force: true }) })
  const dataDir = join(home, '.local', 'share', 'cairn')
  await mkdir(join(dataDir, 'vault'), { recursive: true })
  await writeFile(join(dataDir, 'vault', 'datastore.sqlite'), 'the live store')
  await mkdir(join(home, 'Documents'))
  await writeFile(join(home, 'Documents', 'cv.txt'), 'my cv')
  return { home, dataDir }
}

async function listed (source: FolderSource): Promise<string[]> {
  const paths: string[] = []
  for await (const entry of source.list()) paths.push(entry.path)
  return paths.sort()
}

async function opened (dataDir: string, path: string): Promise<FolderSource> {
  const source = await createPathFolderOpener({ dataDir }).open({ kind: 'path', path })
  if ('state' in source) throw new Error(`not opened: ${source.error ?? source.state}`)
  return source
}

describe('folder sync leaves the daemon\'s own data folder alone', () => {
  it('a folder that holds the data folder lists everything else, whatever its ignore rules', async () => {
    const { home, dataDir } = await tempHome()
    await writeFile(join(home, '.local', 'share', 'other.txt'), 'not ours')
    assert.deepEqual(await listed(await opened(dataDir, home)), ['.local/share/other.txt', 'Documents/cv.txt'])
  })

  it('the data folder is left out also when the synced folder is reached through a link', async () => {
    const { home, dataDir } = await tempHome()
    const links = await mkdtemp(join(tmpdir(), 'cairn-links-'))
    cleanups.push(async () => { await rm(links, { recursive: true, force: true }) })
    await symlink(home, join(links, 'home'))
    assert.deepEqual(await listed(await opened(join(links, 'home', '.local', 'share', 'cairn'), join(links, 'home'))), ['Documents/cv.txt'])
    assert.deepEqual(await listed(await opened(await realpath(dataDir), join(links, 'home'))), ['Documents/cv.txt'])
  })

  it('nothing is written, moved or read under the data folder', async () => {
    const { home, dataDir } = await tempHome()
    const source = await opened(dataDir, home)
    const inside = '.local/share/cairn/vault/datastore.sqlite'
    await assert.rejects(source.write(inside, new Blob(['x']).stream(), Date.now()), { code: 'FOLDER_PATH_UNSAFE' })
    await assert.rejects(source.write('.local/share/cairn/new.txt', new Blob(['x']).stream(), Date.now()), { code: 'FOLDER_PATH_UNSAFE' })
    await assert.rejects(source.read(inside), { code: 'FOLDER_PATH_UNSAFE' })
    await assert.rejects(source.rename('Documents/cv.txt', '.local/share/cairn/cv.txt'), { code: 'FOLDER_PATH_UNSAFE' })
    await assert.rejects(source.mkdir('.local/share/cairn/photos'), { code: 'FOLDER_PATH_UNSAFE' })
    assert.deepEqual((await readdir(dataDir)).sort(), ['vault'])
  })

  it('the data folder itself, or a folder inside it, is refused as a synced or restore folder (FOLDER_PATH_UNSAFE)', async () => {
    const { dataDir } = await tempHome()
    const opener = createPathFolderOpener({ dataDir })
    await assert.rejects(opener.open({ kind: 'path', path: dataDir }), { code: 'FOLDER_PATH_UNSAFE' })
    await assert.rejects(opener.open({ kind: 'path', path: join(dataDir, 'vault') }), { code: 'FOLDER_PATH_UNSAFE' })
    // A sibling whose name starts the same is not inside it.
    await mkdir(`${dataDir}-old`)
    assert.ok(!('state' in await opener.open({ kind: 'path', path: `${dataDir}-old` })))
  })

  it('the desktop daemon backing up the home folder leaves ~/.local/share/cairn out and settles', async () => {
    const home = await mkdtemp(join(tmpdir(), 'cairn-home-'))
    cleanups.push(async () => { await rm(home, { recursive: true, force: true }) })
    const dataDir = join(home, '.local', 'share', 'cairn')
    const logs = new LogBuffer()
    const stores = await openDesktopStores(dataDir, logs.for('storage'))
    const node = await startVaultNode(desktopNodeHost({ stores, logs, emit: () => {}, origin: 'http://127.0.0.1:1', relays: [], listenNetwork: false, dataDir }))
    cleanups.push(async () => { await node.stop(); await stores.stop() })
    const h = node.handlers
    await h['vault.create']({ passphrase: PASSPHRASE })
    await mkdir(join(home, 'Documents'), { recursive: true })
    await writeFile(join(home, 'Documents', 'cv.txt'), 'my cv')
    const old = new Date(Date.now() - 3_600_000)
    await utimes(join(home, 'Documents', 'cv.txt'), old, old)

    const info = await h['sync.addFolder']({ location: { kind: 'path', path: home }, mode: 'backup', vaultFolder: 'Home' })
    const scans: string[] = []
    for (let i = 0; i < 3; i++) {
      // Past the settle time, so files written by the last scan are taken.
      await new Promise((resolve) => setTimeout(resolve, 1_500))
      const after = await h['sync.syncNow']({ id: info.id })
      scans.push(`${after.state}: ${after.files} files, last round uploaded ${after.last?.uploaded ?? 0}`)
    }
    const paths = (await h['files.list'](undefined)).map((f) => f.path)
    assert.deepEqual(paths, ['Home/Documents/cv.txt'], `the vault took in its own data folder (scans: ${scans.join('; ')})`)
    assert.deepEqual(scans, ['in-step: 1 files, last round uploaded 1', 'in-step: 1 files, last round uploaded 1', 'in-step: 1 files, last round uploaded 1'], 'one file in step, none added since')

    await assert.rejects(h['sync.addFolder']({ location: { kind: 'path', path: join(dataDir, 'vault') }, mode: 'backup', vaultFolder: 'Own' }), { code: 'FOLDER_PATH_UNSAFE' })
    await assert.rejects(h['sync.restore']({ location: { kind: 'path', path: dataDir }, vaultFolder: 'Home' }), { code: 'FOLDER_PATH_UNSAFE' })
  })
})
