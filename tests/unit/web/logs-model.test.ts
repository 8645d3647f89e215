import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LogLevel, LogLine } from '../../../core/rpc/api.ts'
import { createLogsModel } from '../../../web/models/logs-model.ts'
import { createTestClient } from './fake-rpc.ts'

const line = (seq: number, level: LogLevel = 'info'): LogLine => ({ seq, time: 0, level, source: 'test', message: `line ${seq}` })

test('keeps at most `capacity` lines, newest last, merging recent lines without duplicates', async () => {
  const client = createTestClient({ 'logs.recent': async () => [line(1), line(2), line(3), line(4)] })
  const logs = createLogsModel(client, 5)
  const stop = logs.start()
  client.emit('log', line(3))
  client.emit('log', line(5))
  await logs.load()
  assert.deepEqual(logs.lines.value.map(l => l.seq), [1, 2, 3, 4, 5])
  for (let seq = 6; seq <= 12; seq++) client.emit('log', line(seq))
  assert.deepEqual(logs.lines.value.map(l => l.seq), [8, 9, 10, 11, 12])
  stop()
  client.emit('log', line(13))
  assert.equal(logs.lines.value.at(-1)?.seq, 12)
})

test('the level filter shows that level and above; pause freezes the view while lines keep arriving', () => {
  const client = createTestClient()
  const logs = createLogsModel(client)
  const stop = logs.start()
  client.emit('log', line(1, 'debug'))
  client.emit('log', line(2, 'info'))
  client.emit('log', line(3, 'warn'))
  client.emit('log', line(4, 'error'))
  assert.deepEqual(logs.visible.value.map(l => l.seq), [2, 3, 4])
  logs.setMinLevel('debug')
  assert.equal(logs.visible.value.length, 4)
  logs.setMinLevel('warn')
  assert.deepEqual(logs.visible.value.map(l => l.seq), [3, 4])
  logs.togglePaused()
  client.emit('log', line(5, 'error'))
  assert.deepEqual(logs.visible.value.map(l => l.seq), [3, 4])
  assert.equal(logs.lines.value.length, 5)
  logs.togglePaused()
  assert.deepEqual(logs.visible.value.map(l => l.seq), [3, 4, 5])
  const text = logs.visibleText().split('\n')
  assert.equal(text.length, 3)
  assert.match(text[0] ?? '', /WARN +test: line 3$/)
  stop()
})
