import assert from 'node:assert/strict'
import { test } from 'node:test'
import { portReplies, SERVER_GONE } from '../../../sw/stream-replies.ts'

test('replies come one per wait, in order', async () => {
  const { port1, port2 } = new MessageChannel()
  const next = portReplies(port1, async () => false, 5)
  port2.postMessage({ kind: 'meta', name: 'a', size: 1, type: '' })
  assert.equal((await next()).kind, 'meta')
  port2.postMessage({ kind: 'end' })
  assert.equal((await next()).kind, 'end')
  port1.close()
  port2.close()
})

test('a wait ends in an error when the tab sending the file is gone, though its port never says so', async () => {
  const { port1, port2 } = new MessageChannel()
  let gone = false
  const next = portReplies(port1, async () => gone, 5)
  const waiting = next()
  gone = true
  assert.deepEqual(await waiting, SERVER_GONE)
  port1.close()
  port2.close()
})

test('a wait ends in an error when the other end of the port closes', async () => {
  const { port1, port2 } = new MessageChannel()
  const next = portReplies(port1, async () => false, 60_000)
  const waiting = next()
  port2.close()
  assert.deepEqual(await waiting, SERVER_GONE)
  assert.deepEqual(await next(), SERVER_GONE)
  port1.close()
})
