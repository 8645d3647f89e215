import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { test } from 'node:test'
import { createLogger } from '../../../relay-server/shared/log.ts'
import { MAX_BUFFERED_BYTES, safeWrite } from '../../../relay-server/shared/output-guard.ts'

test('writing to a pipe whose reader exited drops the lines: no uncaught error, nothing piles up', async () => {
  const reader = spawn(process.execPath, ['-e', 'process.exit(0)'], { stdio: ['pipe', 'ignore', 'ignore'] })
  await new Promise(resolve => reader.once('exit', resolve))
  const uncaught: unknown[] = []
  const onUncaught = (err: unknown): void => { uncaught.push(err) }
  process.on('uncaughtException', onUncaught)
  try {
    const log = createLogger({ write: (line) => { safeWrite(reader.stdin, line) } })
    for (let i = 0; i < 10_000; i++) log.error('a line nobody reads', { i })
    // Let the pipe report its EPIPE.
    await new Promise(resolve => setImmediate(resolve))
    for (let i = 0; i < 10_000; i++) log.error('and more', { i })
    await new Promise(resolve => setImmediate(resolve))
    assert.deepEqual(uncaught, [])
    assert.ok(reader.stdin.writableLength <= MAX_BUFFERED_BYTES + 1024, `${reader.stdin.writableLength} bytes queued`)
  } finally {
    process.off('uncaughtException', onUncaught)
  }
})
