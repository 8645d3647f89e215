import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { defaultDataDir } from '../../../desktop/data-dir.ts'
import { loadDesktopConfig, pickAppPort, readDesktopConfig, updateDesktopConfig } from '../../../desktop/desktop-config.ts'

describe('desktop data folder', () => {
  it('is the platform\'s per-user data folder', () => {
    assert.equal(defaultDataDir('linux', {}, '/home/ann'), '/home/ann/.local/share/cairn')
    assert.equal(defaultDataDir('linux', { XDG_DATA_HOME: '/data/ann' }, '/home/ann'), '/data/ann/cairn')
    assert.equal(defaultDataDir('linux', { XDG_DATA_HOME: 'relative/path' }, '/home/ann'), '/home/ann/.local/share/cairn', 'a relative XDG_DATA_HOME is ignored (XDG spec)')
    assert.equal(defaultDataDir('freebsd', {}, '/home/ann'), '/home/ann/.local/share/cairn')
    assert.equal(defaultDataDir('darwin', { XDG_DATA_HOME: '/x' }, '/Users/ann'), '/Users/ann/Library/Application Support/Cairn')
    assert.equal(defaultDataDir('win32', { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'C:\\Users\\ann'), 'C:\\Users\\ann\\AppData\\Roaming\\Cairn')
    assert.equal(defaultDataDir('win32', {}, 'C:\\Users\\ann'), 'C:\\Users\\ann\\AppData\\Roaming\\Cairn')
  })
})

describe('desktop settings file', () => {
  it('picks the port once, keeps it, and saves settings whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-desktop-config-'))
    try {
      const probed: number[] = []
      // 47600 and 47601 are taken: the first launch takes the next one.
      const probe = async (port: number): Promise<boolean> => { probed.push(port); return port > 47_601 }
      const first = await loadDesktopConfig(dir, { probe })
      assert.deepEqual(first, { port: 47_602, startAtLogin: false })
      assert.deepEqual(probed, [47_600, 47_601, 47_602])

      // Later launches keep it, even with --port or the preferred port free again.
      const again = await loadDesktopConfig(dir, { port: 5000, probe: async () => true })
      assert.equal(again.port, 47_602)

      assert.deepEqual(updateDesktopConfig(dir, { startAtLogin: true }), { port: 47_602, startAtLogin: true })
      assert.deepEqual(readDesktopConfig(dir), { port: 47_602, startAtLogin: true })
      assert.deepEqual(await readdir(dir), ['desktop.json'], 'no temp file is left behind')
      assert.deepEqual(JSON.parse(await readFile(join(dir, 'desktop.json'), 'utf8')), { port: 47_602, startAtLogin: true })

      // A damaged file counts as none: a new port is picked and saved.
      await writeFile(join(dir, 'desktop.json'), '{"port": 47')
      assert.equal(readDesktopConfig(dir), undefined)
      assert.equal((await loadDesktopConfig(dir, { port: 47_700 })).port, 47_700, '--port at a first launch is the one kept')
      assert.equal(readDesktopConfig(dir)?.port, 47_700)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('skips a port something holds, with a real probe', async () => {
    const held = createServer()
    await new Promise<void>((resolve) => { held.listen(0, '127.0.0.1', resolve) })
    const address = held.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    try {
      const { probeOn } = await import('../../../desktop/desktop-config.ts')
      const chosen = await pickAppPort(probeOn('127.0.0.1'), '127.0.0.1', port)
      assert.notEqual(chosen, port)
      assert.ok(chosen > 0)
    } finally {
      await new Promise<void>((resolve) => { held.close(() => { resolve() }) })
    }
  })
})
