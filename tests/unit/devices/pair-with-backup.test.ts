import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { addressOf, startPeer, stopPeer, waitFor, type TestPeer } from '../backup/helpers.ts'
import { PASSPHRASE, randomBytes, readAll } from '../vault/share-test-support.ts'
import { CHROME_LINUX, FIREFOX_ANDROID, find, startDevice, stopDevice, type Device } from './support.ts'

/**
 * A vault with a backup peer pairs a new device: the gift names the peer, B
 * fetches the index from it as a restore does, backs up to it without a code,
 * and opens A's file.
 */
let peer: TestPeer
let a: Device
let b: Device

before(async () => {
  peer = await startPeer()
  a = await startDevice(CHROME_LINUX, () => [])
  b = await startDevice(FIREFOX_ANDROID, () => [])
})

after(async () => {
  await stopDevice(a)
  await stopDevice(b)
  await stopPeer(peer)
})

test('B gets the index from the vault\'s backup peer named in the gift, adopts the peer, and opens a file A added', async () => {
  await a.vault.create(PASSPHRASE)
  const content = randomBytes(300_000)
  const added = await a.vault.files().add({ file: new Blob([content]), path: 'notes/plan.txt', mtime: 1_700_000_000_000, type: 'text/plain' })
  await a.backups.add(addressOf(peer).toString(), await peer.service.createPairingCode())
  await waitFor(() => a.backups.holds(added.file.cid), 30_000, 'the peer holds A\'s file')

  const offer = await a.devices.handlers['devices.offer'](undefined)
  assert.equal(offer.code, '', 'no relay: no short code, the link still pairs')
  const started = await b.devices.handlers['devices.join']({ offer: offer.link })
  await waitFor(() => find(a.events, 'compare') !== undefined, 15_000, 'compare on A')
  await a.devices.handlers['devices.confirm']({ id: offer.offerId, accept: true })
  await waitFor(() => find(b.events, 'received') !== undefined, 15_000, 'the key on B')
  const status = await b.devices.handlers['devices.finishJoin']({ id: started.id, newPassphrase: 'another long and quiet passphrase' })
  assert.equal(status.state, 'unlocked')

  const listed = b.vault.files().list()
  assert.deepEqual(listed.map(f => f.path), ['notes/plan.txt'], 'B lists A\'s file at once')
  assert.deepEqual(b.backups.list().map(p => p.peerId), [peer.helia.libp2p.peerId.toString()], 'B backs up to the same peer, no code asked')
  const { stream } = b.vault.files().open(listed[0]?.fileId ?? '')
  assert.deepEqual(await readAll(stream), content, 'B opens the file, its blocks fetched from the network')
})
