import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { MemoryOfferDirectory, RendezvousService } from '../../../core/protocols/pairing/device-pairing.ts'
import { pairingFailureWords } from '../../../web/models/pairing-words.ts'
import { startNode, waitFor, type TestNode } from '../backup/helpers.ts'
import { PASSPHRASE } from '../vault/share-test-support.ts'
import { CHROME_LINUX, FIREFOX_ANDROID, find, startDevice, stopDevice, type Device } from './support.ts'

/**
 * Two real nodes on 127.0.0.1 pair through the devices handlers, as the node
 * worker wires them: A offers, B joins by link, both compare, A confirms, B
 * chooses its passphrase and opens the same vault; both list both devices.
 */
let relay: TestNode
let rendezvous: RendezvousService
let a: Device
let b: Device

before(async () => {
  relay = await startNode()
  rendezvous = new RendezvousService({ registrar: relay.helia.libp2p, directory: new MemoryOfferDirectory(), log: new LogBuffer().for('relay') })
  await rendezvous.start()
  const relays = (): string[] => [relay.helia.libp2p.getMultiaddrs()[0]?.toString() ?? '']
  a = await startDevice(CHROME_LINUX, relays)
  b = await startDevice(FIREFOX_ANDROID, relays)
})

after(async () => {
  for (const d of [a, b]) await stopDevice(d)
  await rendezvous.stop()
  await relay.helia.stop()
})

test('offers only while unlocked', async () => {
  await assert.rejects(a.devices.handlers['devices.offer'](undefined), { code: 'VAULT_LOCKED' })
})

test('A offers, B joins by link, both show one safety number, A confirms, B opens the same vault, both list both devices', async () => {
  await a.vault.create(PASSPHRASE)
  const offer = await a.devices.handlers['devices.offer'](undefined)
  assert.match(offer.link, /^https:\/\/cairn\.example\/#\/join\?offer=/)
  assert.match(offer.code, /^\d{4}-\d{4}-\d{4}$/, 'the relay\'s rendezvous took the short code')

  const started = await b.devices.handlers['devices.join']({ offer: offer.link })
  await waitFor(() => find(a.events, 'compare') !== undefined, 15_000, 'the compare stage on A')
  const compare = find(a.events, 'compare')
  assert.equal(compare?.id, offer.offerId)
  assert.equal(compare?.safetyNumber, started.safetyNumber, 'both screens show the same number')
  assert.equal(compare?.otherDevice, 'Firefox on Android')

  await a.devices.handlers['devices.confirm']({ id: offer.offerId, accept: true })
  await waitFor(() => find(b.events, 'received') !== undefined, 15_000, 'the key on B')
  await waitFor(() => find(a.events, 'paired') !== undefined, 15_000, 'paired on A')
  assert.equal(find(a.events, 'paired')?.device.peerId, b.node.helia.libp2p.peerId.toString())
  assert.equal(find(a.events, 'paired')?.device.platform, 'Android', 'the platform B\'s name announces')
  assert.deepEqual(a.joined, [b.node.helia.libp2p.peerId.toString()], 'sync hears of the new device on A')

  // B's passphrase is judged as on create; a weak one keeps the key for another try.
  await assert.rejects(b.devices.handlers['devices.finishJoin']({ id: started.id, newPassphrase: 'weak' }), { code: 'WEAK_PASSPHRASE' })
  const status = await b.devices.handlers['devices.finishJoin']({ id: started.id, newPassphrase: 'another long and quiet passphrase' })
  assert.equal(status.state, 'unlocked')
  const keyA = a.vault.exportVaultKey()
  const keyB = b.vault.exportVaultKey()
  assert.deepEqual(keyB, keyA, 'B holds the same vault key')
  keyA.fill(0)
  keyB.fill(0)
  assert.deepEqual(b.joined, [a.node.helia.libp2p.peerId.toString()], 'sync hears of A on B')
  assert.ok(b.kept.some(address => address.endsWith(`/p2p/${a.node.helia.libp2p.peerId.toString()}`)), 'B keeps A connected')

  // B's passphrase opens B's vault after a lock (its own key record).
  await b.vault.lock()
  await b.vault.unlock('another long and quiet passphrase')

  const names = async (d: Device): Promise<string[]> => {
    await waitFor(async () => (await d.devices.handlers['devices.list'](undefined).catch(() => [])).length === 2, 10_000, 'both devices listed')
    return (await d.devices.handlers['devices.list'](undefined)).map(x => `${x.name}${x.thisDevice ? ' (this)' : ''}`).sort()
  }
  assert.deepEqual(await names(a), ['Chrome on Linux (this)', 'Firefox on Android'])
  assert.deepEqual(await names(b), ['Chrome on Linux', 'Firefox on Android (this)'])
  const onA = await a.devices.handlers['devices.list'](undefined)
  assert.deepEqual(onA.map(x => x.thisDevice), [true, false], 'this device first')
  assert.deepEqual((await b.devices.handlers['devices.list'](undefined)).map(x => x.thisDevice), [true, false], 'this device first, although it joined last')
  assert.equal(onA.find(x => !x.thisDevice)?.online, true, 'B is connected to A')
  assert.ok((onA.find(x => !x.thisDevice)?.lastSeen ?? 0) > 0, 'A noted when it last saw B')
  assert.ok(((await b.devices.handlers['devices.list'](undefined)).find(x => !x.thisDevice)?.lastSeen ?? 0) > 0, 'B noted when it last saw A')
})

test('a device that holds a vault refuses to join; a withdrawn offer ends as failed', async () => {
  const offer = await a.devices.handlers['devices.offer'](undefined)
  await assert.rejects(b.devices.handlers['devices.join']({ offer: offer.link }), { code: 'VAULT_EXISTS' })
  await a.devices.handlers['devices.cancelOffer']({ offerId: offer.offerId })
  await waitFor(() => a.events.some(e => e.id === offer.offerId && e.stage === 'failed'), 5_000, 'the withdrawn offer ends')
})

test('a third device joins by typed short code through the relay; A declines and both hear why', async () => {
  const c = await startDevice('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15', () => [relay.helia.libp2p.getMultiaddrs()[0]?.toString() ?? ''])
  try {
    const offer = await a.devices.handlers['devices.offer'](undefined)
    const started = await c.devices.handlers['devices.join']({ offer: offer.code })
    await waitFor(() => a.events.some(e => e.id === offer.offerId && e.stage === 'compare'), 15_000, 'the compare stage on A')
    await a.devices.handlers['devices.confirm']({ id: offer.offerId, accept: false })
    await waitFor(() => c.events.some(e => e.id === started.id && e.stage === 'failed'), 15_000, 'the refusal on C')
    const failed = c.events.find(e => e.id === started.id && e.stage === 'failed')
    assert.equal(failed?.stage === 'failed' ? failed.error.code : undefined, 'PAIRING_DECLINED')
    await waitFor(() => a.events.some(e => e.id === offer.offerId && e.stage === 'failed' && e.error.code === 'PAIRING_DECLINED'), 5_000, 'the refusal on A')
    await assert.rejects(c.devices.handlers['devices.finishJoin']({ id: started.id, newPassphrase: PASSPHRASE }), { code: 'PAIRING_OFFER_INVALID' })
    assert.equal(c.vault.status().state, 'none')
    assert.equal((await a.devices.handlers['devices.list'](undefined)).length, 2, 'C was not added')
  } finally {
    await stopDevice(c)
  }
})

test('B cancels after the key arrived: the key is overwritten and the join is over', async () => {
  const d = await startDevice(FIREFOX_ANDROID, () => [])
  try {
    const offer = await a.devices.handlers['devices.offer'](undefined)
    const started = await d.devices.handlers['devices.join']({ offer: offer.link })
    await waitFor(() => a.events.some(e => e.id === offer.offerId && e.stage === 'compare'), 15_000, 'the compare stage on A')
    await a.devices.handlers['devices.confirm']({ id: offer.offerId, accept: true })
    await waitFor(() => d.events.some(e => e.id === started.id && e.stage === 'received'), 15_000, 'the key on D')
    // The held key, read from inside to check it is wiped (nothing else can reach it).
    const held = (d.devices.joins as unknown as { joins: Map<string, { received?: { vaultKey: Uint8Array } }> }).joins.get(started.id)?.received?.vaultKey
    assert.ok(held !== undefined && held.some(byte => byte !== 0))
    await d.devices.handlers['devices.cancelJoin']({ id: started.id })
    assert.ok(held.every(byte => byte === 0), 'the vault key is overwritten')
    await assert.rejects(d.devices.handlers['devices.finishJoin']({ id: started.id, newPassphrase: PASSPHRASE }), { code: 'PAIRING_OFFER_INVALID' })
    assert.equal(d.vault.status().state, 'none')
  } finally {
    await stopDevice(d)
  }
})

test('an offer past its ten minutes is refused as expired, by link and by typed code', async () => {
  const later = await startDevice(FIREFOX_ANDROID, () => [relay.helia.libp2p.getMultiaddrs()[0]?.toString() ?? ''], () => Date.now() + 11 * 60_000)
  try {
    const offer = await a.devices.handlers['devices.offer'](undefined)
    await assert.rejects(later.devices.handlers['devices.join']({ offer: offer.link }), { code: 'PAIRING_OFFER_EXPIRED' })
    await assert.rejects(later.devices.handlers['devices.join']({ offer: offer.code }), { code: 'PAIRING_OFFER_EXPIRED' })
    await a.devices.handlers['devices.cancelOffer']({ offerId: offer.offerId })
  } finally {
    await stopDevice(later)
  }
})

// A cancel while both screens compare used to reach the other screen as ABORTED, "Stopped
// before it finished." (B cancelled) or as "The other device declined" (A closed its dialog),
// which does not say the other device called it off.
test('B cancels while both compare: A hears that the new device cancelled', async () => {
  const d = await startDevice(FIREFOX_ANDROID, () => [])
  try {
    const offer = await a.devices.handlers['devices.offer'](undefined)
    const started = await d.devices.handlers['devices.join']({ offer: offer.link })
    await waitFor(() => a.events.some(e => e.id === offer.offerId && e.stage === 'compare'), 15_000, 'the compare stage on A')
    await d.devices.handlers['devices.cancelJoin']({ id: started.id })
    await waitFor(() => a.events.some(e => e.id === offer.offerId && e.stage === 'failed'), 15_000, 'the end on A')
    const failed = a.events.find(e => e.id === offer.offerId && e.stage === 'failed')
    assert.ok(failed?.stage === 'failed')
    assert.equal(failed.error.code, 'PAIRING_CANCELLED')
    assert.match(pairingFailureWords(failed.error.code, 'offer'), /new device cancelled/)
  } finally {
    await stopDevice(d)
  }
})

test('A cancels while both compare: B hears that the other device cancelled', async () => {
  const d = await startDevice(FIREFOX_ANDROID, () => [])
  try {
    const offer = await a.devices.handlers['devices.offer'](undefined)
    const started = await d.devices.handlers['devices.join']({ offer: offer.link })
    await waitFor(() => a.events.some(e => e.id === offer.offerId && e.stage === 'compare'), 15_000, 'the compare stage on A')
    await a.devices.handlers['devices.cancelOffer']({ offerId: offer.offerId })
    await waitFor(() => d.events.some(e => e.id === started.id && e.stage === 'failed'), 15_000, 'the end on B')
    const failed = d.events.find(e => e.id === started.id && e.stage === 'failed')
    assert.ok(failed?.stage === 'failed')
    assert.equal(failed.error.code, 'PAIRING_CANCELLED')
    assert.match(pairingFailureWords(failed.error.code, 'join'), /other device cancelled/)
    assert.equal(d.vault.status().state, 'none')
  } finally {
    await stopDevice(d)
  }
})
