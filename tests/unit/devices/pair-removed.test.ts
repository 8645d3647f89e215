import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { MemoryOfferDirectory, RendezvousService } from '../../../core/protocols/pairing/device-pairing.ts'
import { DeviceBook } from '../../../core/vault/device-book.ts'
import { startNode, waitFor, type TestNode } from '../backup/helpers.ts'
import { PASSPHRASE } from '../vault/share-test-support.ts'
import { CHROME_LINUX, FIREFOX_ANDROID, startDevice, stopDevice, type Device } from './support.ts'

/**
 * A device removed from the vault (its PeerId on the vault's device book as
 * removed) tries to join again with a fresh offer: the vault key must never
 * be sent to it, and both sides must hear why.
 */
let relay: TestNode
let rendezvous: RendezvousService
let a: Device
let removed: Device

before(async () => {
  relay = await startNode()
  rendezvous = new RendezvousService({ registrar: relay.helia.libp2p, directory: new MemoryOfferDirectory(), log: new LogBuffer().for('relay') })
  await rendezvous.start()
  const relays = (): string[] => [relay.helia.libp2p.getMultiaddrs()[0]?.toString() ?? '']
  a = await startDevice(CHROME_LINUX, relays)
  removed = await startDevice(FIREFOX_ANDROID, relays)
})

after(async () => {
  for (const d of [a, removed]) await stopDevice(d)
  await rendezvous.stop()
  await relay.helia.stop()
})

test('a removed device that joins again is refused before the vault key is sent, and both sides say why', async () => {
  await a.vault.create(PASSPHRASE)
  const removedId = removed.node.helia.libp2p.peerId.toString()
  // The vault removed this device earlier (as "Remove" on another device leaves it in the book).
  await a.devices.directory.merge(new DeviceBook([{ peerId: removedId, name: 'Lost phone', platform: 'Android', addedAt: 1_000, updatedAt: 2_000, removedAt: 2_000 }]))
  assert.equal(a.devices.directory.isRemoved(removedId), true)

  const offer = await a.devices.handlers['devices.offer'](undefined)
  const started = await removed.devices.handlers['devices.join']({ offer: offer.link })
  // Whatever A shows, its user presses "They match" if asked: the key must still not go.
  const confirmIfAsked = setInterval(() => {
    if (a.events.some(e => e.id === offer.offerId && e.stage === 'compare')) a.devices.handlers['devices.confirm']({ id: offer.offerId, accept: true }).catch(() => {})
  }, 50)
  try {
    await waitFor(() => removed.events.some(e => e.id === started.id && (e.stage === 'failed' || e.stage === 'received')), 20_000, 'the join ends on the removed device')
    await waitFor(() => a.events.some(e => e.id === offer.offerId && (e.stage === 'failed' || e.stage === 'paired')), 20_000, 'the offer ends on A')
  } finally {
    clearInterval(confirmIfAsked)
  }
  assert.equal(removed.events.some(e => e.id === started.id && e.stage === 'received'), false, 'the vault key never reached the removed device')
  const failedThere = removed.events.find(e => e.id === started.id && e.stage === 'failed')
  assert.equal(failedThere?.stage === 'failed' ? failedThere.error.code : undefined, 'DEVICE_REVOKED')
  const failedHere = a.events.find(e => e.id === offer.offerId && e.stage === 'failed')
  assert.equal(failedHere?.stage === 'failed' ? failedHere.error.code : undefined, 'DEVICE_REVOKED')
  assert.equal(a.events.some(e => e.id === offer.offerId && e.stage === 'compare'), false, 'A\'s user is not asked to compare numbers with a removed device')
  await assert.rejects(removed.devices.handlers['devices.finishJoin']({ id: started.id, newPassphrase: 'another long and quiet passphrase' }), { code: 'PAIRING_OFFER_INVALID' })
  assert.equal(removed.vault.status().state, 'none')
  assert.equal(a.devices.directory.isRemoved(removedId), true, 'it stays removed')
})
