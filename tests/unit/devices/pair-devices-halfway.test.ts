import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { formatShortCode, shortCodeOf } from '../../../core/protocols/pairing/short-code.ts'
import { waitFor } from '../backup/helpers.ts'
import { pairingFailureWords } from '../../../web/models/pairing-words.ts'
import { PASSPHRASE } from '../vault/share-test-support.ts'
import { CHROME_LINUX, FIREFOX_ANDROID, startDevice, stopDevice, type Device } from './support.ts'

/**
 * A user who presses twice, or a tab that asks twice: each pairing step
 * sent twice must still leave one vault that works, with the right key.
 */
let a: Device

before(async () => {
  a = await startDevice(CHROME_LINUX, () => [])
  await a.vault.create(PASSPHRASE)
})

after(async () => {
  await stopDevice(a)
})

/** B joins by A's link and A confirms; resolves with B's join id once the key is on B. */
async function keyOnB (b: Device): Promise<string> {
  const offer = await a.devices.handlers['devices.offer'](undefined)
  const started = await b.devices.handlers['devices.join']({ offer: offer.link })
  await waitFor(() => a.events.some(e => e.id === offer.offerId && e.stage === 'compare'), 15_000, 'the compare stage on A')
  await a.devices.handlers['devices.confirm']({ id: offer.offerId, accept: true })
  await waitFor(() => b.events.some(e => e.id === started.id && e.stage === 'received'), 15_000, 'the key on B')
  return started.id
}

test('"Join" pressed twice with the passphrase: one vault opens, with the vault\'s own key (not a wiped one), and it unlocks again', async () => {
  const b = await startDevice(FIREFOX_ANDROID, () => [])
  try {
    const id = await keyOnB(b)
    const newPassphrase = 'another long and quiet passphrase'
    const results = await Promise.allSettled([
      b.devices.handlers['devices.finishJoin']({ id, newPassphrase }),
      b.devices.handlers['devices.finishJoin']({ id, newPassphrase })
    ])
    assert.equal(results.filter(r => r.status === 'fulfilled').length, 1, 'one of the two opens the vault')
    const refused = results.find(r => r.status === 'rejected')
    assert.ok(refused?.status === 'rejected' && typeof (refused.reason as { code?: unknown }).code === 'string', 'the other is refused with a code')
    assert.equal(b.vault.status().state, 'unlocked')
    const keyA = a.vault.exportVaultKey()
    const keyB = b.vault.exportVaultKey()
    assert.ok(keyB.some(byte => byte !== 0), 'the open vault\'s key was not overwritten')
    assert.deepEqual(keyB, keyA, 'B holds the vault\'s key')
    keyA.fill(0)
    keyB.fill(0)
    await b.vault.lock()
    await b.vault.unlock(newPassphrase)
    assert.equal(b.vault.status().state, 'unlocked')
  } finally {
    await stopDevice(b)
  }
})

test('B cancels while A\'s user compares the numbers: A hears it at once (the offer ends as failed), and a late "match" sends nothing', async () => {
  const b = await startDevice(FIREFOX_ANDROID, () => [])
  try {
    const offer = await a.devices.handlers['devices.offer'](undefined)
    const started = await b.devices.handlers['devices.join']({ offer: offer.link })
    await waitFor(() => a.events.some(e => e.id === offer.offerId && e.stage === 'compare'), 15_000, 'the compare stage on A')
    await b.devices.handlers['devices.cancelJoin']({ id: started.id })
    // Without this A's screen kept asking "Do the numbers match?" for the confirmation's five minutes.
    await waitFor(() => a.events.some(e => e.id === offer.offerId && e.stage === 'failed'), 15_000, 'A told that B left')
    const failed = a.events.find(e => e.id === offer.offerId && e.stage === 'failed')
    assert.equal(failed?.stage === 'failed' ? failed.error.code : undefined, 'PAIRING_CANCELLED', 'B\'s reason reaches A: it cancelled')
    await assert.rejects(a.devices.handlers['devices.confirm']({ id: offer.offerId, accept: true }), { code: 'PAIRING_OFFER_INVALID' })
    const listed = (await a.devices.handlers['devices.list'](undefined)).map(d => d.peerId)
    assert.ok(!listed.includes(b.node.helia.libp2p.peerId.toString()), 'B was not added')
    assert.equal(b.vault.status().state, 'none')
  } finally {
    await stopDevice(b)
  }
})

test('a typed code while none of the relays can be reached (offline) says they could not be reached, not that no device offers the code', async () => {
  const dead = (port: number, peer: string): string => `/ip4/127.0.0.1/tcp/${port}/ws/p2p/${peer}`
  const relays = [dead(9, '12D3KooWP23zkeSyAawVTDLKZ79xyr8PqYPGsa3qskpMsLv4snYi'), dead(13, '12D3KooWDZS4Xc2veT7V3GW2NqkEYjMzuSsjhVgd2xkjmPJA3yeY')]
  const b = await startDevice(FIREFOX_ANDROID, () => relays)
  try {
    const code = formatShortCode(shortCodeOf('48210', '937551'))
    await assert.rejects(b.devices.handlers['devices.join']({ offer: code }), { code: 'PEER_UNREACHABLE' })
    assert.equal(b.vault.status().state, 'none')
  } finally {
    await stopDevice(b)
  }
})

test('the received key waits too long for B\'s passphrase: it is wiped and B\'s screen is told the pairing expired (not "this isn\'t a Cairn code")', async () => {
  const b = await startDevice(FIREFOX_ANDROID, () => [], undefined, { joinHoldMs: 300 })
  try {
    const id = await keyOnB(b)
    await waitFor(() => b.events.some(e => e.id === id && e.stage === 'failed'), 10_000, 'B told the pairing expired')
    const failed = b.events.find(e => e.id === id && e.stage === 'failed')
    assert.equal(failed?.stage === 'failed' ? failed.error.code : undefined, 'PAIRING_JOIN_EXPIRED')
    assert.match(pairingFailureWords('PAIRING_JOIN_EXPIRED', 'join'), /start again/i)
    await assert.rejects(b.devices.handlers['devices.finishJoin']({ id, newPassphrase: 'another long and quiet passphrase' }), { code: 'PAIRING_JOIN_EXPIRED' })
    assert.equal(b.vault.status().state, 'none')
  } finally {
    await stopDevice(b)
  }
})
