import assert from 'node:assert/strict'
import { test } from 'node:test'
import { watchActivity } from '../../../web/lib/activity.ts'
import { freePath, lastSegment } from '../../../web/lib/free-path.ts'
import { memoryHashLocation } from '../../../web/lib/hash-location.ts'
import { randomPositions } from '../../../web/lib/random-positions.ts'
import { createRouteModel, parsePage } from '../../../web/models/route-model.ts'

test('randomPositions picks distinct positions in range, sorted, and not always the same', () => {
  const seen = new Set<string>()
  for (let i = 0; i < 50; i++) {
    const picked = randomPositions(3, 24)
    assert.equal(picked.length, 3)
    assert.equal(new Set(picked).size, 3)
    assert.deepEqual(picked, [...picked].sort((a, b) => a - b))
    for (const p of picked) assert.ok(p >= 1 && p <= 24)
    seen.add(picked.join(','))
  }
  assert.ok(seen.size > 10, 'positions vary between runs')
  assert.deepEqual(randomPositions(3, 3), [1, 2, 3])
  assert.throws(() => randomPositions(4, 3), RangeError)
})

test('activity is reported on the first event, then at most once per interval', () => {
  const target = new EventTarget()
  let clock = 1_000
  let reports = 0
  const stop = watchActivity(target, () => { reports++ }, 30_000, () => clock)
  target.dispatchEvent(new Event('pointerdown'))
  assert.equal(reports, 1)
  clock += 10_000
  target.dispatchEvent(new Event('keydown'))
  assert.equal(reports, 1)
  clock += 20_000
  target.dispatchEvent(new Event('keydown'))
  assert.equal(reports, 2)
  stop()
  clock += 60_000
  target.dispatchEvent(new Event('pointerdown'))
  assert.equal(reports, 2)
})

test('routes: only #/<page> is ours; share links and unknown hashes show files and stay untouched', () => {
  assert.equal(parsePage('#/logs'), 'logs')
  assert.equal(parsePage('#/settings/'), 'settings')
  assert.equal(parsePage('#/s/abc#key'), undefined)
  assert.equal(parsePage(''), undefined)
  const location = memoryHashLocation('#/s/abc')
  const route = createRouteModel(location)
  const stop = route.start()
  assert.equal(route.page.value, 'files')
  assert.equal(location.get(), '#/s/abc')
  route.go('dashboard')
  assert.equal(location.get(), '#/dashboard')
  location.set('#/logs')
  assert.equal(route.page.value, 'logs')
  stop()
})

test('freePath keeps a free path and numbers a taken one before its extension; lastSegment takes the last real part', () => {
  const taken = new Set(['a/b.txt', 'a/b (2).txt', 'notes', 'x/.env'])
  assert.equal(freePath('a/c.txt', taken), 'a/c.txt')
  assert.equal(freePath('a/b.txt', taken), 'a/b (3).txt')
  assert.equal(freePath('notes', taken), 'notes (2)')
  assert.equal(freePath('x/.env', taken), 'x/.env (2)')
  assert.equal(lastSegment('Documents/passport.pdf'), 'passport.pdf')
  assert.equal(lastSegment('../..'), 'shared file')
  assert.equal(lastSegment('plain.txt'), 'plain.txt')
})
