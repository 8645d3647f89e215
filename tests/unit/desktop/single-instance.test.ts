import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { claimInstance, instanceSocketPath } from '../../../desktop/single-instance.ts'

async function tempDir (): Promise<{ path: string, cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'cairn-desktop-instance-'))
  return { path, cleanup: async () => { await rm(path, { recursive: true, force: true }) } }
}

describe('one desktop app per data folder', () => {
  it('a second launch asks the first to open its window and steps aside', async () => {
    const dir = await tempDir()
    try {
      const dataDir = join(dir.path, 'data')
      let opened = 0
      const first = await claimInstance(dataDir, { onOpen: () => { opened++ } })
      assert.equal(first.primary, true)
      assert.equal(statSync(dataDir).mode & 0o777, 0o700, 'the data folder is private')
      assert.equal(statSync(instanceSocketPath(dataDir)).mode & 0o777, 0o600)

      const second = await claimInstance(dataDir, { onOpen: () => { assert.fail('the second never serves') } })
      assert.deepEqual(second, { primary: false })
      assert.equal(opened, 1, 'the first opened its window')

      // `--no-window` only checks: the first keeps its window as it is.
      assert.deepEqual(await claimInstance(dataDir, { onOpen: () => {}, request: 'ping' }), { primary: false })
      assert.equal(opened, 1)

      // Another data folder is another instance.
      const other = await claimInstance(join(dir.path, 'other'), { onOpen: () => {} })
      assert.equal(other.primary, true)
      if (other.primary) await other.instance.close()

      if (first.primary) await first.instance.close()
      const after = await claimInstance(dataDir, { onOpen: () => {} })
      assert.equal(after.primary, true, 'once the first quits, the next launch is the instance')
      if (after.primary) await after.instance.close()
    } finally {
      await dir.cleanup()
    }
  })

  it('replaces the socket file a crashed instance left behind', async () => {
    const dir = await tempDir()
    try {
      const path = instanceSocketPath(dir.path)
      // A real crashed instance: a process that binds the socket, then dies of SIGKILL (no chance to remove it).
      const killed = spawnSync(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`])
      assert.equal(killed.signal, 'SIGKILL')
      assert.ok(existsSync(path), 'the killed instance left its socket file')

      let opened = 0
      const claim = await claimInstance(dir.path, { onOpen: () => { opened++ } })
      assert.equal(claim.primary, true, 'the stale socket is replaced')
      assert.deepEqual(await claimInstance(dir.path, { onOpen: () => {} }), { primary: false })
      assert.equal(opened, 1, 'and the new socket answers')
      if (claim.primary) await claim.instance.close()
    } finally {
      await dir.cleanup()
    }
  })

  it('names a named pipe on Windows and a short path when the folder is deep', () => {
    assert.match(instanceSocketPath('C:\\Users\\ann\\AppData\\Roaming\\Cairn', 'win32'), /^\\\\\.\\pipe\\cairn-desktop-[0-9a-f]{16}$/)
    const deep = join('/tmp', 'x'.repeat(120))
    assert.ok(Buffer.byteLength(instanceSocketPath(deep, 'linux')) <= 100)
    assert.equal(instanceSocketPath('/home/ann/.local/share/cairn', 'linux'), '/home/ann/.local/share/cairn/desktop.sock')
  })
})
