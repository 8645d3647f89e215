import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { test } from 'node:test'
import { controlRequest } from '../../../relay-server/peer/control-socket.ts'
import type { PeerStatus } from '../../../relay-server/peer/peer-status.ts'
import { PEER_BIN, READY_PREFIX, tempDir } from './support.ts'

// The reader: passes lines on until the READY line, then exits, as `cairn-peer | head` or a log shipper restarting would.
const READER = `const rl = require('node:readline').createInterface({ input: process.stdin })
rl.on('line', (line) => { process.stdout.write(line + '\\n'); if (line.startsWith('${READY_PREFIX} ')) process.exit(0) })`

test('a peer whose stdout and stderr reader exits keeps answering, stays idle and stops cleanly', async () => {
  const dir = await tempDir()
  const reader = spawn(process.execPath, ['-e', READER], { stdio: ['pipe', 'pipe', 'inherit'] })
  const readerExited = new Promise<void>(resolve => reader.once('exit', () => { resolve() }))
  // Both of the peer's outputs go into the reader's stdin: when it exits, nobody reads them.
  const peer = spawn(process.execPath, [PEER_BIN, '--data-dir', dir.path, '--ws-port', '0', '--no-webrtc-direct', '--log-level', 'info'],
    { stdio: ['ignore', reader.stdin, reader.stdin] })
  reader.stdin.destroy()
  const peerExited = new Promise<number | null>(resolve => peer.once('exit', code => { resolve(code) }))
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: reader.stdout }).on('line', (line) => { if (line.startsWith(READY_PREFIX + ' ')) resolve() })
      void readerExited.then(() => { setTimeout(() => { reject(new Error('the reader exited before READY')) }, 100) })
    })
    await readerExited

    // Each `pair` logs a line into the closed pipe.
    const status = async (): Promise<PeerStatus> => await controlRequest(dir.path, 'status', 10_000) as PeerStatus
    for (let i = 0; i < 5; i++) await controlRequest(dir.path, 'pair', 10_000)
    const before = await status()
    let after = before
    let made = 0
    // A bounded stretch of the peer's own uptime, with log lines written all along.
    while (after.process.uptimeMs - before.process.uptimeMs < 1500) {
      await controlRequest(dir.path, 'pair', 10_000)
      made++
      await new Promise(resolve => setTimeout(resolve, 50))
      after = await status()
    }
    const cpu = (after.process.cpuMicros - before.process.cpuMicros) / 1000
    const wall = after.process.uptimeMs - before.process.uptimeMs
    assert.ok(made > 0)
    assert.ok(cpu < wall * 0.5, `the peer used ${Math.round(cpu)} ms of CPU in ${wall} ms: it spins`)
    assert.ok(after.process.rssBytes - before.process.rssBytes < 64 * 2 ** 20, `the peer grew by ${after.process.rssBytes - before.process.rssBytes} bytes`)

    peer.kill('SIGTERM')
    assert.equal(await peerExited, 0, 'it still stops cleanly on SIGTERM')
  } finally {
    if (peer.exitCode === null && peer.signalCode === null) { peer.kill('SIGKILL'); await peerExited }
    if (reader.exitCode === null) reader.kill('SIGKILL')
    await dir.cleanup()
  }
})
