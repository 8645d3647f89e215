import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isCairnError } from '../../../core/errors.ts'
import { manualClock } from '../support/clock.ts'
import { addressOf, startDevice, startPeer, stopPeer } from './helpers.ts'

const MINUTE = 60_000

test('the peer\'s injected clock expires its pairing codes and dates a pairing (no real waiting)', async () => {
  // Years ahead of the real clock: only the injected one can have made these times.
  const clock = manualClock(Date.UTC(2040, 0, 1))
  const peer = await startPeer({ now: clock.now, pairingCodeTtlMs: 15 * MINUTE })
  const device = await startDevice()
  try {
    const stale = await peer.service.createPairingCode()
    clock.advance(15 * MINUTE)
    await assert.rejects(device.client.pair(addressOf(peer), stale), (err: unknown) => isCairnError(err, 'PAIRING_REFUSED'), 'a code past its TTL pairs nothing')

    const fresh = await peer.service.createPairingCode()
    clock.advance(15 * MINUTE - 1)
    await device.client.pair(addressOf(peer), fresh)
    assert.equal(peer.service.status()[0]?.pairedAt, clock.now(), 'the pairing is dated by the peer\'s clock')
  } finally {
    await device.helia.stop()
    await stopPeer(peer)
  }
})
