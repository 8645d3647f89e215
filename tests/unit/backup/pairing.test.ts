import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { isCairnError } from '../../../core/errors.ts'
import { formatPairingCode, generatePairingCode, normalizePairingCode } from '../../../core/protocols/backup/pairing.ts'
import { addressOf, startDevice, startPeer, stopPeer, type TestDevice, type TestPeer } from './helpers.ts'

let peer: TestPeer
let devices: TestDevice[] = []

before(async () => {
  peer = await startPeer()
  devices = [await startDevice(), await startDevice(), await startDevice()]
})

after(async () => {
  for (const device of devices) await device.helia.stop()
  await stopPeer(peer)
})

test('pairing codes: 16 Crockford base32 characters in 4 groups, forgiving to type', () => {
  const code = formatPairingCode(generatePairingCode())
  assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/)
  assert.equal(normalizePairingCode(code.toLowerCase().replace(/-/g, ' ')), code.replace(/-/g, ''))
  assert.equal(normalizePairingCode('O1IL-0000-0000-0000'), '0111000000000000')
  assert.equal(normalizePairingCode('ABCD-EFGH'), undefined)
  assert.equal(normalizePairingCode('UUUU-0000-0000-0000'), undefined)
  assert.notEqual(generatePairingCode(), generatePairingCode())
})

test('the right code pairs once; a wrong code is refused and logged; a used code is refused', async () => {
  const [a, b] = devices as [TestDevice, TestDevice]
  const code = await peer.service.createPairingCode()
  assert.deepEqual(peer.service.pendingPairingCodes(), [code])

  await assert.rejects(a.client.pair(addressOf(peer), 'ABCD-EFGH-JKMN-PQRS'), (err: unknown) => isCairnError(err, 'PAIRING_REFUSED'))
  assert.ok(peer.log.has('warn', /refused pair from .*PAIRING_REFUSED/), 'the wrong code is logged')
  await assert.rejects(a.client.status(addressOf(peer)), (err: unknown) => isCairnError(err, 'NOT_PAIRED'))

  // Typed in lower case with spaces: still the code.
  assert.deepEqual(await a.client.pair(addressOf(peer), code.toLowerCase().replace(/-/g, ' ')), { alreadyPaired: false })
  assert.deepEqual(peer.service.pendingPairingCodes(), [])
  assert.equal((await a.client.status(addressOf(peer))).pinned, 0)

  // Another vault cannot reuse it.
  await assert.rejects(b.client.pair(addressOf(peer), code), (err: unknown) => isCairnError(err, 'PAIRING_REFUSED'))
  // A second device of the paired vault needs no code.
  const sameVault = await startDevice(a.vaultKey)
  devices.push(sameVault)
  assert.deepEqual(await sameVault.client.pair(addressOf(peer), 'anything'), { alreadyPaired: true })
  assert.deepEqual(peer.service.status().map(v => v.vault), [a.signer.vaultId])
})

test('wrong codes are rate-limited: after three from one peer even the right code waits', async () => {
  const c = devices[2] as TestDevice
  const code = await peer.service.createPairingCode()
  for (let i = 0; i < 3; i++) {
    await assert.rejects(c.client.pair(addressOf(peer), 'ZZZZ-ZZZZ-ZZZZ-ZZZZ'), (err: unknown) => isCairnError(err, 'PAIRING_REFUSED'))
  }
  await assert.rejects(c.client.pair(addressOf(peer), code), (err: unknown) => isCairnError(err, 'PAIRING_REFUSED') && /too many/.test(err.message))
  assert.deepEqual(peer.service.pendingPairingCodes(), [code], 'the code was not spent')
})

test('codes survive a restart of the service; a paired vault stays paired', async () => {
  const code = await peer.service.createPairingCode()
  await peer.service.stop()
  await peer.service.start()
  assert.ok(peer.service.pendingPairingCodes().includes(code))
  const a = devices[0] as TestDevice
  assert.equal((await a.client.status(addressOf(peer))).bytes, 0)
})

test('a peer that is not there is PEER_UNREACHABLE; an address without /p2p/<id> is ADDRESS_INVALID', async () => {
  const a = devices[0] as TestDevice
  const gone = await startPeer()
  const address = addressOf(gone)
  await stopPeer(gone)
  await assert.rejects(a.client.status(address), (err: unknown) => isCairnError(err, 'PEER_UNREACHABLE'))
  await assert.rejects(a.client.status(multiaddr('/ip4/127.0.0.1/tcp/1/ws')), (err: unknown) => isCairnError(err, 'ADDRESS_INVALID'))
})
