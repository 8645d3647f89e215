import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { compareHlc, decodeHlc, encodeHlc, receive, tick, zeroHlc, type Hlc } from '../../../core/index/hlc.ts'
import { isCairnError } from '../../../core/errors.ts'

const hlcArb: fc.Arbitrary<Hlc> = fc.record({
  wall: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2 ** 48 - 1 })),
  counter: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
  device: fc.constantFrom('A', 'B', 'a', 'devA', 'devB', '12D3KooWxyz', 'dev_-9')
})

describe('hybrid logical clock', () => {
  it('tick moves strictly forward even when the wall clock goes back', () => {
    let clock = zeroHlc('devA')
    const readings = [1000, 1000, 999, 500, 1001, 1001, 2000]
    const seen: Hlc[] = []
    for (const now of readings) {
      const next = tick(clock, now)
      assert.equal(compareHlc(clock, next), -1)
      assert.ok(next.wall >= now)
      seen.push(next)
      clock = next
    }
    assert.deepEqual(seen.map(h => [h.wall, h.counter]), [[1000, 0], [1000, 1], [1000, 2], [1000, 3], [1001, 0], [1001, 1], [2000, 0]])
  })

  it('tick moves the wall time on by 1 ms when the counter is at its limit', () => {
    assert.deepEqual(tick({ wall: 5, counter: 2 ** 32 - 1, device: 'devA' }, 5), { wall: 6, counter: 0, device: 'devA' })
    assert.deepEqual(tick({ wall: 2 ** 48 - 2, counter: 2 ** 32 - 1, device: 'devA' }, 5), { wall: 2 ** 48 - 1, counter: 0, device: 'devA' })
  })

  it('receive is after both clocks and keeps the local device', () => {
    fc.assert(fc.property(hlcArb, hlcArb, fc.integer({ min: 0, max: 30 }), (local, remote, now) => {
      fc.pre(local.counter < 2 ** 32 - 1 && remote.counter < 2 ** 32 - 1)
      const next = receive(local, remote, now)
      assert.equal(next.device, local.device)
      assert.ok(next.wall > local.wall || (next.wall === local.wall && next.counter > local.counter))
      assert.ok(next.wall > remote.wall || (next.wall === remote.wall && next.counter > remote.counter))
      assert.ok(next.wall >= now)
    }))
  })

  it('encoded strings sort exactly like compareHlc', () => {
    fc.assert(fc.property(hlcArb, hlcArb, (a, b) => {
      const ea = encodeHlc(a)
      const eb = encodeHlc(b)
      const byString = ea < eb ? -1 : ea > eb ? 1 : 0
      assert.equal(byString, compareHlc(a, b))
      assert.deepEqual(decodeHlc(ea), { ...a })
    }))
  })

  it('has a fixed encoding', () => {
    assert.equal(encodeHlc({ wall: 1_700_000_000_000, counter: 5, device: 'devA' }), '018bcfe5680000000005:devA')
  })

  it('refuses malformed encodings and out-of-range clocks', () => {
    for (const bad of ['', '018bcfe568000000005:devA', '018BCFE5680000000005:devA', '018bcfe5680000000005:', '018bcfe5680000000005:de/v', '018bcfe5680000000005devA']) {
      assert.throws(() => decodeHlc(bad), err => isCairnError(err, 'FORMAT_INVALID'), bad)
    }
    assert.throws(() => tick(zeroHlc('devA'), Number.NaN), err => isCairnError(err, 'INVALID_ARGUMENT'))
    assert.throws(() => tick(zeroHlc('devA'), -1), err => isCairnError(err, 'INVALID_ARGUMENT'))
    assert.throws(() => tick({ wall: 2 ** 48 - 1, counter: 2 ** 32 - 1, device: 'devA' }, 5), err => isCairnError(err, 'INTERNAL'))
    assert.throws(() => encodeHlc({ wall: 1.5, counter: 0, device: 'devA' }), err => isCairnError(err, 'INVALID_ARGUMENT'))
  })
})
