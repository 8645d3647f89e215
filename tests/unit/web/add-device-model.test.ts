import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { DeviceInfo, DeviceOffer } from '../../../core/rpc/api.ts'
import { formatCountdown } from '../../../web/format.ts'
import { createAddDeviceModel } from '../../../web/models/add-device-model.ts'
import { pairingFailureWords } from '../../../web/models/pairing-words.ts'
import { createTestClient, deferred, fail, manualTimers, settle } from './fake-rpc.ts'

const LAPTOP: DeviceInfo = { peerId: '12D3KooWLaptop', name: 'Laptop', platform: 'Linux', addedAt: 1, fingerprint: '3F9A 71C2', thisDevice: false, online: true }

function setup () {
  let clock = 1_000_000
  let made = 0
  const offer = (): DeviceOffer => ({ offerId: `offer-${++made}`, link: `http://app/#/join?offer=secret${made}`, code: '4821-0937-5512', expiresAt: clock + 10 * 60_000 })
  const client = createTestClient({
    'devices.offer': async () => offer(),
    'devices.cancelOffer': async () => undefined,
    'devices.confirm': async () => undefined
  })
  const timers = manualTimers()
  const paired: DeviceInfo[] = []
  const model = createAddDeviceModel({ client, timers, now: () => clock, onPaired: (d) => { paired.push(d) } })
  const stop = model.start()
  return { client, model, timers, paired, stop, advance: (ms: number) => { clock += ms; timers.tick() } }
}

const calls = (client: ReturnType<typeof setup>['client'], method: string): unknown[] => client.calls.filter(c => c.method === method).map(c => c.args)

test('the countdown runs to 00:00, then the offer shows as expired and "New offer" makes a fresh one', async () => {
  const { client, model, timers, advance } = setup()
  await model.open()
  assert.equal(model.stage.value, 'offer')
  assert.equal(formatCountdown(model.remaining.value), '10:00')
  advance(61_000)
  assert.equal(formatCountdown(model.remaining.value), '08:59')
  assert.equal(model.expired.value, false)
  advance(9 * 60_000)
  assert.equal(model.remaining.value, 0)
  assert.equal(formatCountdown(model.remaining.value), '00:00')
  assert.equal(model.expired.value, true)
  assert.equal(timers.active(), 0, 'the ticker stops once the offer is over')
  await model.renew()
  assert.deepEqual(calls(client, 'devices.cancelOffer'), [{ offerId: 'offer-1' }], 'the old offer is withdrawn')
  assert.equal(model.offer.value?.offerId, 'offer-2')
  assert.equal(model.expired.value, false)
  assert.equal(formatCountdown(model.remaining.value), '10:00')
})

test('formatCountdown rounds up, so 00:00 only shows once the time is over', () => {
  assert.equal(formatCountdown(600_000), '10:00')
  assert.equal(formatCountdown(59_001), '01:00')
  assert.equal(formatCountdown(1), '00:01')
  assert.equal(formatCountdown(0), '00:00')
  assert.equal(formatCountdown(-5), '00:00')
})

test('pairing events: compare shows the safety number, "match" confirms, paired names the device; other ids are ignored', async () => {
  const { client, model, paired, advance } = setup()
  await model.open()
  client.emit('devices.pairing', { id: 'someone-else', stage: 'compare', safetyNumber: '11111', otherDevice: 'Intruder' })
  assert.equal(model.stage.value, 'offer')
  client.emit('devices.pairing', { id: 'offer-1', stage: 'compare', safetyNumber: '12345 67890 13579', otherDevice: 'Chrome on Android' })
  assert.equal(model.stage.value, 'compare')
  assert.equal(model.safetyNumber.value, '12345 67890 13579')
  assert.equal(model.otherDevice.value, 'Chrome on Android')
  advance(11 * 60_000)
  assert.equal(model.expired.value, false, 'a pairing under way is not shown as expired')
  const answering = model.answer(true)
  assert.equal(model.stage.value, 'confirming')
  await answering
  assert.deepEqual(calls(client, 'devices.confirm'), [{ id: 'offer-1', accept: true }])
  client.emit('devices.pairing', { id: 'offer-1', stage: 'paired', device: LAPTOP })
  assert.equal(model.stage.value, 'paired')
  assert.equal(model.paired.value?.name, 'Laptop')
  assert.deepEqual(paired.map(d => d.name), ['Laptop'], 'the list is told to refresh')
  model.close()
  assert.equal(model.stage.value, 'closed')
  assert.deepEqual(calls(client, 'devices.cancelOffer'), [], 'a used offer is not withdrawn')
})

test('"They don\'t match" declines and ends in words; a failed event says why in words', async () => {
  const { client, model } = setup()
  await model.open()
  client.emit('devices.pairing', { id: 'offer-1', stage: 'compare', safetyNumber: '1', otherDevice: 'X' })
  await model.answer(false)
  assert.deepEqual(calls(client, 'devices.confirm'), [{ id: 'offer-1', accept: false }])
  assert.equal(model.stage.value, 'failed')
  assert.equal(model.error.value, pairingFailureWords('PAIRING_DECLINED', 'offer'))
  await model.renew()
  client.emit('devices.pairing', { id: 'offer-2', stage: 'failed', error: { code: 'PAIRING_SECRET_WRONG', message: 'x' } })
  assert.equal(model.stage.value, 'failed')
  assert.match(model.error.value ?? '', /wrong code/)
})

test('closing withdraws an open offer, and an offer that arrives after closing is withdrawn, never shown', async () => {
  const { client, model } = setup()
  await model.open()
  model.close()
  assert.deepEqual(calls(client, 'devices.cancelOffer'), [{ offerId: 'offer-1' }])
  const slow = deferred<DeviceOffer>()
  client.handlers['devices.offer'] = async () => await slow.promise
  const opening = model.open()
  model.close()
  slow.resolve({ offerId: 'late', link: 'l', code: 'c', expiresAt: 0 })
  await opening
  await settle()
  assert.equal(model.stage.value, 'closed')
  assert.deepEqual(calls(client, 'devices.cancelOffer'), [{ offerId: 'offer-1' }, { offerId: 'late' }])
})

test('an offer the node refuses to make shows its words', async () => {
  const { client, model } = setup()
  client.handlers['devices.offer'] = async () => fail('VAULT_LOCKED')
  await model.open()
  assert.equal(model.stage.value, 'failed')
  assert.match(model.error.value ?? '', /locked/)
})
