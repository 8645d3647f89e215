import assert from 'node:assert/strict'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import { runToExit, unprivilegedCommand } from '../support/unprivileged.ts'
import { DESKTOP_BIN, runDesktopBin as runBin } from './desktop-bin.ts'

/** Another program holding a loopback port. */
async function holdPort (): Promise<{ server: Server, port: number }> {
  const server = createServer()
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const address = server.address()
  assert.ok(address !== null && typeof address === 'object')
  return { server, port: address.port }
}

// The kept port taken by another program used to end the launch with Node's raw
// "listen EADDRINUSE: address already in use 127.0.0.1:47600", which says neither
// that it is Cairn's kept port nor what to do.
// (Needs the built app, `npm run build`: the port is bound after the check for dist/.)
describe('the app port is taken by another program', () => {
  it('the kept port from desktop.json: one line naming the port, the file, and what to do', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-port-taken-'))
    const { server, port } = await holdPort()
    try {
      const file = join(dir, 'desktop.json')
      const kept = JSON.stringify({ port, startAtLogin: false }) + '\n'
      await writeFile(file, kept)
      const run = await runBin(['--data-dir', dir, '--no-window'])
      assert.equal(run.code, 1)
      assert.match(run.stderr, /^cairn-desktop: [^\n]*\n$/, 'one line')
      assert.doesNotMatch(run.stderr, /EADDRINUSE|\n\s+at /)
      assert.ok(run.stderr.includes(`port ${port}`), run.stderr)
      assert.ok(run.stderr.includes(file), run.stderr)
      assert.match(run.stderr, /another program/)
      assert.match(run.stderr, /--port/)
      assert.equal(await readFile(file, 'utf8'), kept, 'the kept port stays kept')
    } finally {
      server.close()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('a --port that is taken: one line naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-port-taken-'))
    const { server, port } = await holdPort()
    try {
      const run = await runBin(['--data-dir', dir, '--no-window', '--port', String(port)])
      assert.equal(run.code, 1)
      assert.match(run.stderr, /^cairn-desktop: [^\n]*\n$/, 'one line')
      assert.doesNotMatch(run.stderr, /EADDRINUSE|\n\s+at /)
      assert.ok(run.stderr.includes(`port ${port}`), run.stderr)
      assert.match(run.stderr, /another program/)
      // A first launch that never served on that port must not keep it for every later launch.
      await assert.rejects(readFile(join(dir, 'desktop.json'), 'utf8'), { code: 'ENOENT' }, 'no port kept from a launch that never started')
    } finally {
      server.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})

// A --port below 1024 as an ordinary user used to end the launch with Node's raw
// "listen EACCES: permission denied 127.0.0.1:80", which names neither the option nor what to do.
describe('an app port the user may not listen on', () => {
  it('--port 80 without the privilege: one line naming the port, the option and what to do', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-port-refused-'))
    try {
      const command = unprivilegedCommand([process.execPath, DESKTOP_BIN, '--data-dir', dir, '--no-window', '--port', '80'])
      if (command === undefined) { t.skip('runs as root without setpriv to drop the privilege'); return }
      const run = await runToExit(command)
      assert.equal(run.code, 1)
      assert.match(run.stderr, /^cairn-desktop: [^\n]*\n$/, 'one line')
      assert.doesNotMatch(run.stderr, /EACCES|\n\s+at /)
      assert.ok(run.stderr.includes('port 80 (--port)'), run.stderr)
      assert.match(run.stderr, /permission/)
      assert.match(run.stderr, /1024/)
      await assert.rejects(readFile(join(dir, 'desktop.json'), 'utf8'), { code: 'ENOENT' }, 'port 80 is not kept for the next launch')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

// desktop.json there but not readable by the user (a data folder restored as another user):
// the launch stopped with Node's "EACCES: permission denied, open '…'" after "could not read".
describe('a desktop.json the user may not read', () => {
  it('one line naming the file, the reason and what to do; the file is left as it is', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-config-unreadable-'))
    try {
      const file = join(dir, 'desktop.json')
      const kept = JSON.stringify({ port: 47_999, startAtLogin: false }) + '\n'
      await writeFile(file, kept, { mode: 0o000 })
      const command = unprivilegedCommand([process.execPath, DESKTOP_BIN, '--data-dir', dir, '--no-window'])
      if (command === undefined) { t.skip('runs as root without setpriv to drop the privilege'); return }
      const run = await runToExit(command)
      assert.equal(run.code, 1)
      assert.match(run.stderr, /^cairn-desktop: [^\n]*\n$/, 'one line')
      assert.doesNotMatch(run.stderr, /EACCES|\n\s+at /)
      assert.ok(run.stderr.includes(file), run.stderr)
      assert.match(run.stderr, /permission denied/)
      assert.match(run.stderr, /read access/)
      await chmod(file, 0o600)
      assert.equal(await readFile(file, 'utf8'), kept)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
