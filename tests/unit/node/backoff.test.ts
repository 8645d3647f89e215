import assert from 'node:assert/strict'
import { test } from 'node:test'
import { backoffDelay, sleep } from '../../../core/backoff.ts'

test('backoff doubles from the base delay and stops at the cap (the peer keeper: 0.5 s to 15 s)', () => {
  const policy = { baseMs: 500, maxMs: 15_000 }
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 50, 5000].map(n => backoffDelay(n, policy)), [500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000, 15_000])
})

test('jitter spreads a delay by ±its fraction, from the injected random source (the replicator: ±25 %)', () => {
  const at = (random: number): number => backoffDelay(3, { baseMs: 1000, maxMs: 60_000, jitter: 0.25, random: () => random })
  assert.equal(at(0), 3000)
  assert.equal(at(0.5), 4000)
  assert.equal(at(0.999), 4998)
  // The cap applies before jitter, so a capped delay still spreads.
  assert.equal(backoffDelay(20, { baseMs: 1000, maxMs: 60_000, jitter: 0.25, random: () => 0 }), 45_000)
  for (let i = 0; i < 100; i++) {
    const delay = backoffDelay(2, { baseMs: 1000, maxMs: 60_000, jitter: 0.25 })
    assert.ok(delay >= 1500 && delay <= 2500, `${delay} within ±25 % of 2000`)
  }
})

test('sleep resolves after its time; an abort ends it at once with the signal\'s reason', async () => {
  await sleep(1)
  const controller = new AbortController()
  const reason = new Error('stopped')
  const slept = sleep(60_000, { signal: controller.signal })
  controller.abort(reason)
  await assert.rejects(slept, (err) => err === reason)
  await assert.rejects(sleep(60_000, { signal: AbortSignal.abort() }), (err: unknown) => err instanceof DOMException && err.name === 'AbortError')
})
