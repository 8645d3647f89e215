import assert from 'node:assert/strict'
import { chmodSync, mkdirSync, rmdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { ControlServer, controlRequest, controlSocketPath } from '../../../relay-server/peer/control-socket.ts'
import { tempDir } from './support.ts'

const mode = (path: string): number => statSync(path).mode & 0o777

test('the control socket lives in a directory only its user can open, also in a data directory others can read', async () => {
  const dir = await tempDir()
  try {
    // A data directory the operator made readable by everyone.
    const dataDir = join(dir.path, 'peer')
    mkdirSync(dataDir, { mode: 0o755 })
    chmodSync(dataDir, 0o755)
    const path = controlSocketPath(dataDir)
    const server = await ControlServer.listen(path)
    try {
      server.handlers = { status: async () => ({ fine: true }) }
      assert.notEqual(dirname(path), dataDir, 'not in the shared data directory itself')
      assert.equal(mode(dirname(path)), 0o700, 'the socket\'s directory is 0700')
      assert.equal(statSync(dirname(path)).uid, process.getuid?.())
      assert.equal(mode(path), 0o600)
      assert.deepEqual(await controlRequest(dataDir, 'status'), { fine: true }, 'its user still reaches it')
    } finally {
      await server.close()
    }

    // A directory left too open (by hand, or an older version) is tightened at the next start.
    chmodSync(dirname(path), 0o755)
    const again = await ControlServer.listen(path)
    assert.equal(mode(dirname(path)), 0o700)
    await again.close()
  } finally {
    await dir.cleanup()
  }
})

test('a data directory whose path is too long for a socket gets a private directory of its own under tmp', async () => {
  const dir = await tempDir()
  try {
    const dataDir = join(dir.path, 'x'.repeat(120))
    const path = controlSocketPath(dataDir)
    assert.ok(!path.startsWith(dataDir))
    const server = await ControlServer.listen(path)
    try {
      assert.equal(mode(dirname(path)), 0o700)
      assert.match(dirname(path), /cairn-peer-\d+-[0-9a-f]{16}$/, 'one directory per user and data directory')
    } finally {
      await server.close()
      // Only the empty directory this test made (never a shared folder such as tmp itself).
      if (/cairn-peer-\d+-[0-9a-f]{16}$/.test(dirname(path))) rmdirSync(dirname(path))
    }
  } finally {
    await dir.cleanup()
  }
})
