import assert from 'node:assert/strict'
import { createServer, type AddressInfo } from 'node:net'
import { describe, it } from 'node:test'
import { runToExit, unprivilegedCommand } from '../support/unprivileged.ts'
import { PEER_BIN, runCli, tempDir } from './support.ts'

// An operator starts cairn-peer on a port it cannot have: it used to print
// libp2p's paragraph ("Some configured addresses failed to be listened on,
// … set `transportManager.faultTolerance` …") with Node's raw EADDRINUSE or
// EACCES and a stack trace, as cairn-relay did before it learnt to say which
// port and which option in one line.

/** stderr without the JSON log lines: what a person reads. */
function said (stderr: string): string[] {
  return stderr.split('\n').filter(line => line.trim() !== '' && !line.startsWith('{'))
}

describe('cairn-peer on a port it cannot listen on', { timeout: 90_000 }, () => {
  it('a --ws-port another program holds: one line naming the port and the option, exit 1', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
    const port = (server.address() as AddressInfo).port
    const dir = await tempDir()
    try {
      const { code, stderr } = await runCli(['--data-dir', dir.path, '--ws-port', String(port), '--no-webrtc-direct'], {}, 60_000)
      assert.equal(code, 1)
      const lines = said(stderr)
      assert.equal(lines.length, 1, `one line, got:\n${lines.join('\n')}`)
      assert.match(lines[0]!, /^cairn-peer: /)
      assert.match(lines[0]!, /--ws-port/)
      assert.match(lines[0]!, new RegExp(`${port}.*in use`))
      assert.doesNotMatch(stderr, /faultTolerance|EADDRINUSE/)
    } finally {
      server.close()
      await dir.cleanup()
    }
  })

  it('--ws-port 80 without the privilege: one line saying so, exit 1', async (t) => {
    const dir = await tempDir()
    try {
      const command = unprivilegedCommand([process.execPath, PEER_BIN, '--data-dir', dir.path, '--ws-port', '80', '--no-webrtc-direct'])
      if (command === undefined) { t.skip('runs as root without setpriv to drop the privilege'); return }
      const { code, stderr } = await runToExit(command)
      assert.equal(code, 1)
      const lines = said(stderr)
      assert.equal(lines.length, 1, `one line, got:\n${lines.join('\n')}`)
      assert.match(lines[0]!, /^cairn-peer: no permission to listen on .*port 80 \(--ws-port\)/)
      assert.doesNotMatch(stderr, /faultTolerance|EACCES/)
    } finally {
      await dir.cleanup()
    }
  })
})
