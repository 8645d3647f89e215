import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { toBase64Url } from '../../../core/crypto/base64.ts'
import { newBoxKeyPair } from '../../../core/crypto/device-box.ts'
import { DeviceBook } from '../../../core/vault/device-book.ts'
import { publishBoxKey } from '../../../core/vault/publish-box-key.ts'
import { startNode, waitFor, type TestNode } from '../backup/helpers.ts'
import { PASSPHRASE } from '../vault/share-test-support.ts'
import { deviceIdentity } from './device-identity.ts'
import { CHROME_LINUX, FIREFOX_ANDROID, find, startDevice, stopDevice, type Device } from './support.ts'

/** Devices a vault has had (removed ones included) in this test: well under the book's MAX_DEVICES (1,000). */
const OTHERS = 300

let relay: TestNode
let a: Device
let b: Device

before(async () => {
  relay = await startNode()
  a = await startDevice(CHROME_LINUX, () => [])
  b = await startDevice(FIREFOX_ANDROID, () => [])
})

after(async () => {
  for (const d of [a, b]) await stopDevice(d)
  await relay.helia.stop()
})

test('a vault that has had a few hundred devices can still pair one more: the gift fits, the new device knows the vault\'s devices', async () => {
  await a.vault.create(PASSPHRASE)
  // Each of them joined, signed its box key, and had a name; every tenth was removed later.
  const book = new DeviceBook()
  for (let i = 0; i < OTHERS; i++) {
    const device = await deviceIdentity()
    const at = 1_700_000_000_000 + i
    book.put({ peerId: device.id, name: `Laptop number ${i} of the office`, platform: 'Linux', addedAt: at, updatedAt: at, ...(i % 10 === 0 ? { removedAt: at + 1 } : {}) })
    if (i % 10 !== 0) await publishBoxKey(book, device.id, toBase64Url(newBoxKeyPair().publicKey), at, device.sign)
  }
  await a.devices.directory.merge(book)
  const offer = await a.devices.handlers['devices.offer'](undefined)
  const started = await b.devices.handlers['devices.join']({ offer: offer.link })
  await waitFor(() => find(a.events, 'compare') !== undefined, 15_000, 'the compare stage on A')
  await a.devices.handlers['devices.confirm']({ id: offer.offerId, accept: true })
  await waitFor(() => find(b.events, 'received') !== undefined || b.events.some(e => e.stage === 'failed'), 15_000, 'the key on B, or a failure')
  assert.equal(b.events.find(e => e.stage === 'failed'), undefined, 'pairing did not fail')
  await b.devices.handlers['devices.finishJoin']({ id: started.id, newPassphrase: 'another long and quiet passphrase' })
  const onB = await b.devices.handlers['devices.list'](undefined)
  assert.ok(onB.some(d => d.peerId === a.node.helia.libp2p.peerId.toString()), 'B knows A')
  const removed = book.list().filter(r => r.removedAt !== undefined).map(r => r.peerId)
  for (const id of removed) assert.equal(b.devices.directory.isRemoved(id), true, 'B knows which devices were removed')
})
