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

  // Two launches at the same moment after a crash (login start and a click): each found the
  // dead socket, and each removed "the dead socket" after asking it, the second removing the
  // one the first had just bound. Both became the instance, two daemons on one vault.
  it('launches at the same moment after a crash: one becomes the instance, the others hand over to it', async () => {
    const dir = await tempDir()
    try {
      const path = instanceSocketPath(dir.path)
      const killed = spawnSync(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`])
      assert.equal(killed.signal, 'SIGKILL')
      let opened = 0
      const claims = await Promise.all([1, 2, 3].map(async () => await claimInstance(dir.path, { onOpen: () => { opened++ } })))
      try {
        assert.equal(claims.filter((claim) => claim.primary).length, 1, 'exactly one instance runs on the data folder')
        assert.equal(opened, 2, 'the instance heard both other launches')
        assert.deepEqual(await claimInstance(dir.path, { onOpen: () => {}, request: 'ping' }), { primary: false }, 'and it still answers at the socket')
      } finally {
        for (const claim of claims) if (claim.primary) await claim.instance.close()
      }
    } finally {
      await dir.cleanup()
    }
  })

  it('names a named pipe on Windows and a short path when the folder is deep', () => {
    assert.match(instanceSocketPath('C:\\Users\\ann\\AppData\\Roaming\\Cairn', 'win32'), /^\\\\\.\\pipe\\cairn-desktop-[0-9a-f]{16}$/)
    const deep = join('/tmp', 'x'.repeat(120))
    assert.ok(Buffer.byteLength(instanceSocketPath(deep, 'linux', {})) <= 100)
    // Too deep: a folder of this user's alone, the runtime folder when there is one, never a bare name in the shared temp folder.
    assert.match(instanceSocketPath(deep, 'linux', {}), new RegExp(`^${tmpdir()}/cairn-desktop-${process.getuid?.() ?? 0}/cairn-desktop-[0-9a-f]{16}\\.sock$`))
    assert.match(instanceSocketPath(deep, 'linux', { XDG_RUNTIME_DIR: '/run/user/1000' }), /^\/run\/user\/1000\/cairn-desktop-[0-9a-f]{16}\.sock$/)
    assert.equal(instanceSocketPath('/home/ann/.local/share/cairn', 'linux'), '/home/ann/.local/share/cairn/desktop.sock')
  })

  it('with a deep data folder, refuses a socket folder another user made first instead of trusting who answers there', async (t) => {
    if (process.getuid?.() !== 0) { t.skip('needs root to give a folder to another user'); return }
    const dir = await tempDir()
    const runtime = join(dir.path, 'run')
    const saved = process.env.XDG_RUNTIME_DIR
    try {
      process.env.XDG_RUNTIME_DIR = runtime
      const deep = join(dir.path, 'd'.repeat(110))
      // Another account (nobody) made the folder first.
      assert.equal(spawnSync('mkdir', ['-m', '0777', runtime]).status, 0)
      assert.equal(spawnSync('chown', ['65534', runtime]).status, 0)
      await assert.rejects(claimInstance(deep, { onOpen: () => {} }), /not a folder of this user's alone/)
      // Its own folder (0700, ours): the claim works, and the socket is there.
      await rm(runtime, { recursive: true, force: true })
      const claim = await claimInstance(deep, { onOpen: () => {} })
      assert.ok(claim.primary)
      assert.equal(statSync(runtime).mode & 0o777, 0o700)
      assert.ok(existsSync(instanceSocketPath(deep)))
      if (claim.primary) await claim.instance.close()
    } finally {
      if (saved === undefined) delete process.env.XDG_RUNTIME_DIR
      else process.env.XDG_RUNTIME_DIR = saved
      await dir.cleanup()
    }
  })
})
