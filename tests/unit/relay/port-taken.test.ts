import assert from 'node:assert/strict'
import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { runRelay, tempDir } from './helpers.ts'

// An operator starts the relay on a port another program holds: it must say
// so in one line, naming the option to change, and exit 1 (a runtime failure).

async function holdTcpPort (): Promise<{ port: number, server: Server }> {
  const server = createServer()
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  return { port: (server.address() as AddressInfo).port, server }
}

async function holdUdpPort (): Promise<{ port: number, socket: UdpSocket }> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => { socket.bind(0, '127.0.0.1', resolve) })
  return { port: socket.address().port, socket }
}

/** stderr without the JSON log lines: what a person reads. */
function said (stderr: string): string[] {
  return stderr.split('\n').filter(line => line.trim() !== '' && !line.startsWith('{'))
}

async function runWithKey (args: string[]): Promise<Awaited<ReturnType<typeof runRelay>>> {
  const dir = await tempDir()
  try {
    return await runRelay([...args, '--key-file', join(dir.path, 'key')])
  } finally {
    await dir.cleanup()
  }
}

describe('cairn-relay on a port that is taken', { timeout: 60_000 }, () => {
  it('--ws-port: one line naming the option, exit 1', async () => {
    const held = await holdTcpPort()
    try {
      const { code, stderr } = await runWithKey(['--ws-port', String(held.port), '--http-port', '0', '--no-webrtc-direct'])
      assert.equal(code, 1)
      const lines = said(stderr)
      assert.equal(lines.length, 1, `one line, got:\n${lines.join('\n')}`)
      assert.match(lines[0]!, /--ws-port/)
      assert.match(lines[0]!, new RegExp(`${held.port}.*in use`))
    } finally {
      held.server.close()
    }
  })

  it('--http-port: one line naming the option, exit 1', async () => {
    const held = await holdTcpPort()
    try {
      const { code, stderr } = await runWithKey(['--ws-port', '0', '--http-port', String(held.port), '--no-webrtc-direct'])
      assert.equal(code, 1)
      const lines = said(stderr)
      assert.equal(lines.length, 1, `one line, got:\n${lines.join('\n')}`)
      assert.match(lines[0]!, /--http-port/)
      assert.match(lines[0]!, new RegExp(`${held.port}.*in use`))
    } finally {
      held.server.close()
    }
  })

  it('--webrtc-port: one line naming the option, exit 1', async () => {
    const held = await holdUdpPort()
    try {
      const { code, stderr } = await runWithKey(['--ws-port', '0', '--http-port', '0', '--webrtc-port', String(held.port)])
      assert.equal(code, 1)
      const lines = said(stderr)
      assert.equal(lines.length, 1, `one line, got:\n${lines.join('\n')}`)
      assert.match(lines[0]!, /--webrtc-port/)
      assert.match(lines[0]!, new RegExp(`${held.port}.*in use`))
    } finally {
      held.socket.close()
    }
  })
})
