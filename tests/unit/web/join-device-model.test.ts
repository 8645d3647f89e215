import assert from 'node:assert/strict'
import { test } from 'node:test'
import { signal } from '@preact/signals'
import type { JoinStarted, VaultState, VaultStatus } from '../../../core/rpc/api.ts'
import { messageForCode } from '../../../web/error-messages.ts'
import { memoryHashLocation } from '../../../web/lib/hash-location.ts'
import { looksLikeLink, normaliseOffer, offerInHash } from '../../../web/lib/offer-input.ts'
import { createJoinDeviceModel } from '../../../web/models/join-device-model.ts'
import { pairingFailureWords } from '../../../web/models/pairing-words.ts'
import { createTestClient, deferred, fail, settle } from './fake-rpc.ts'

const STARTED: JoinStarted = { id: 'join-1', safetyNumber: '12345 67890 13579 24680', otherDevice: 'Laptop' }
const OPEN: VaultStatus = { state: 'unlocked', autoLockMinutes: 15 }

function setup (options: { hash?: string, state?: VaultState | undefined } = {}) {
  const client = createTestClient({
    'devices.join': async ({ offer }) => offer.includes('9999') ? fail('PAIRING_OFFER_INVALID') : STARTED,
    'devices.cancelJoin': async () => undefined,
    'devices.finishJoin': async () => OPEN,
    'vault.checkPassphrase': async ({ passphrase }) => ({ score: 4, acceptable: passphrase.length > 8, reasons: [], suggestions: [] })
  })
  const location = memoryHashLocation(options.hash ?? '')
  const replaced: string[] = []
  const vaultState = signal<VaultState | undefined>('state' in options ? options.state : 'none')
  const joined: VaultStatus[] = []
  const model = createJoinDeviceModel({
    client,
    location,
    replaceHash: (hash) => { replaced.push(hash); location.set(hash) },
    origin: 'http://127.0.0.1:5173',
    vaultState,
    onJoined: (status) => { joined.push(status) },
    checkDelayMs: 1
  })
  const stop = model.start()
  return { client, model, location, replaced, vaultState, joined, stop }
}

const joinArgs = (client: ReturnType<typeof setup>['client']): unknown[] => client.calls.filter(c => c.method === 'devices.join').map(c => c.args)

test('a typed code is forgiven its spaces, dashes and missing separators; links pass whole', () => {
  assert.equal(normaliseOffer('4821 0937 5512'), '4821-0937-5512')
  assert.equal(normaliseOffer(' 4821–0937—5512 '), '4821-0937-5512')
  assert.equal(normaliseOffer('482109375512'), '4821-0937-5512')
  assert.equal(normaliseOffer('4821-0937-\n5512'), '4821-0937-5512')
  assert.equal(normaliseOffer('4821.0937.5512'), '4821-0937-5512')
  assert.equal(normaliseOffer('   '), '')
  assert.equal(normaliseOffer(' http://127.0.0.1:5173/#/join?offer=abc\n def '), 'http://127.0.0.1:5173/#/join?offer=abcdef', 'a link wrapped by a chat app is joined back')
  assert.equal(looksLikeLink('#/join?offer=abc'), true)
  assert.equal(normaliseOffer('not a code'), 'not a code', 'anything else goes to the node, which names it')
  assert.equal(offerInHash('#/join?offer=a%2Bb'), 'a+b')
  assert.equal(offerInHash('#/join'), undefined)
  assert.equal(offerInHash('#/files'), undefined)
})

test('join: the code goes normalised, the safety number shows, "received" asks for a passphrase, finishing opens the vault', async () => {
  const { client, model, joined } = setup()
  model.show()
  assert.equal(model.showing.value, true)
  model.setInput('4821 0937 5512')
  assert.equal(model.canJoin.value, true)
  const joining = model.join()
  assert.equal(model.stage.value, 'joining')
  assert.equal(model.inProgress.value, true)
  await joining
  assert.deepEqual(joinArgs(client), [{ offer: '4821-0937-5512' }])
  assert.equal(model.stage.value, 'compare')
  assert.equal(model.safetyNumber.value, STARTED.safetyNumber)
  assert.equal(model.otherDevice.value, 'Laptop')
  client.emit('devices.pairing', { id: 'other-join', stage: 'received' })
  assert.equal(model.stage.value, 'compare', 'another pairing\'s events are ignored')
  client.emit('devices.pairing', { id: 'join-1', stage: 'received' })
  assert.equal(model.stage.value, 'received')
  model.form.setPassphrase('a long passphrase')
  model.form.setConfirmation('a long passphrase')
  await settle(10)
  await model.finish()
  const finish = client.calls.find(c => c.method === 'devices.finishJoin')
  assert.deepEqual(finish?.args, { id: 'join-1', newPassphrase: 'a long passphrase' })
  assert.deepEqual(joined, [OPEN])
  assert.equal(model.showing.value, false)
  assert.equal(model.form.passphrase.value, '', 'the passphrase is not kept')
})

test('a "received" that arrives before the join call returns is not lost', async () => {
  const { client, model } = setup()
  const slow = deferred<JoinStarted>()
  client.handlers['devices.join'] = async () => await slow.promise
  model.show()
  model.setInput('4821-0937-5512')
  const joining = model.join()
  client.emit('devices.pairing', { id: 'join-1', stage: 'compare', safetyNumber: STARTED.safetyNumber, otherDevice: 'Laptop' })
  client.emit('devices.pairing', { id: 'join-1', stage: 'received' })
  slow.resolve(STARTED)
  await joining
  assert.equal(model.stage.value, 'received')
})

test('a refused join or a failed pairing says which in words, and "Try again" keeps the text to fix', async () => {
  const { client, model } = setup()
  model.show()
  model.setInput('4821 0937 9999')
  await model.join()
  assert.equal(model.stage.value, 'failed')
  assert.equal(model.error.value, messageForCode('PAIRING_OFFER_INVALID'))
  model.retry()
  assert.equal(model.stage.value, 'enter')
  assert.equal(model.input.value, '4821 0937 9999')
  model.setInput('4821 0937 5512')
  await model.join()
  client.emit('devices.pairing', { id: 'join-1', stage: 'failed', error: { code: 'PAIRING_OFFER_EXPIRED', message: 'x' } })
  assert.equal(model.stage.value, 'failed')
  assert.equal(model.error.value, messageForCode('PAIRING_OFFER_EXPIRED'))
  model.retry()
  await model.join()
  client.emit('devices.pairing', { id: 'join-1', stage: 'failed', error: { code: 'PAIRING_DECLINED', message: 'x' } })
  assert.equal(model.error.value, messageForCode('PAIRING_DECLINED'))
})

test('pairing words: each refusal has its own, and "unreachable" means the other device', () => {
  const codes = ['PAIRING_OFFER_EXPIRED', 'PAIRING_OFFER_USED', 'PAIRING_SECRET_WRONG', 'PAIRING_OFFER_INVALID', 'PAIRING_DECLINED', 'PAIRING_MESSAGE_TAMPERED', 'PEER_UNREACHABLE'] as const
  const joinWords = codes.map(code => pairingFailureWords(code, 'join'))
  assert.equal(new Set(joinWords).size, codes.length)
  assert.match(pairingFailureWords('PAIRING_OFFER_EXPIRED', 'join'), /expired/)
  assert.match(pairingFailureWords('PAIRING_OFFER_USED', 'join'), /already used/)
  assert.match(pairingFailureWords('PEER_UNREACHABLE', 'join'), /other device/)
  assert.doesNotMatch(pairingFailureWords('PEER_UNREACHABLE', 'join'), /address/)
  assert.match(pairingFailureWords('PAIRING_DECLINED', 'offer'), /You said the numbers don't match/)
  // A removed device refused at pairing: A's words are about the other device, B's about itself.
  assert.match(pairingFailureWords('DEVICE_REVOKED', 'offer'), /That device was removed from this vault.*nothing was shared/)
  assert.match(pairingFailureWords('DEVICE_REVOKED', 'join'), /This device was removed from that vault.*nothing was shared/)
})

test('cancel calls the join off and leaves the join screen', async () => {
  const { client, model } = setup()
  model.show()
  model.setInput('4821-0937-5512')
  await model.join()
  model.cancel()
  assert.deepEqual(client.calls.filter(c => c.method === 'devices.cancelJoin').map(c => c.args), [{ id: 'join-1' }])
  assert.equal(model.showing.value, false)
  assert.equal(model.stage.value, 'enter')
})

test('a #/join?offer=… link opens the join screen with the link filled, and leaves the address bar at once', async () => {
  const { model, replaced, location } = setup({ hash: '#/join?offer=Zm9v' })
  await settle()
  assert.deepEqual(replaced, ['#/join'], 'the one-time secret does not stay in the history')
  assert.equal(location.get(), '#/join')
  assert.equal(model.showing.value, true)
  assert.equal(model.input.value, 'http://127.0.0.1:5173/#/join?offer=Zm9v')
})

test('a join link waits for the vault state, and is refused in a browser that has a vault', async () => {
  const { model, vaultState } = setup({ hash: '#/join?offer=Zm9v', state: undefined })
  await settle()
  assert.equal(model.showing.value, false)
  vaultState.value = 'locked'
  assert.equal(model.showing.value, false)
  assert.equal(model.refusedLink.value, true)
  model.dismissRefusedLink()
  assert.equal(model.refusedLink.value, false)
})

test('a QR code read by the camera becomes the input and joining starts', async () => {
  const { client, model } = setup()
  model.show()
  model.startScan()
  assert.equal(model.scanning.value, true)
  model.scanned('http://127.0.0.1:5173/#/join?offer=Zm9v')
  assert.equal(model.scanning.value, false)
  await settle()
  assert.deepEqual(joinArgs(client), [{ offer: 'http://127.0.0.1:5173/#/join?offer=Zm9v' }])
  assert.equal(model.stage.value, 'compare')
})

test('in the app: a join link shows the join screen; finishing stays there until the vault is open, then Files', async () => {
  const { createAppModels, startAppModels } = await import('../../../web/models/app-models.ts')
  let status: VaultStatus = { state: 'none', autoLockMinutes: 15 }
  const finishing = deferred<void>()
  const client = createTestClient({
    'vault.status': async () => status,
    'vault.checkPassphrase': async () => ({ score: 4, acceptable: true, reasons: [], suggestions: [] }),
    'devices.join': async () => STARTED,
    'devices.finishJoin': async () => {
      status = OPEN
      client.emit('vault.status', status)
      await finishing.promise
      return status
    },
    'files.list': async () => [],
    'files.locations': async () => ({})
  })
  const location = memoryHashLocation('#/join?offer=Zm9v')
  const models = createAppModels({ client, storage: undefined, location, checkDelayMs: 1, origin: 'http://app' })
  const stop = startAppModels(models, client)
  await settle()
  assert.equal(models.screen.value, 'onboarding')
  assert.equal(models.join.showing.value, true)
  assert.equal(models.join.input.value, 'http://app/#/join?offer=Zm9v')
  await models.join.join()
  client.emit('devices.pairing', { id: 'join-1', stage: 'received' })
  models.join.form.setPassphrase('long passphrase here')
  models.join.form.setConfirmation('long passphrase here')
  await settle(10)
  const done = models.join.finish()
  await settle()
  assert.equal(models.vault.state.value, 'unlocked')
  assert.equal(models.screen.value, 'onboarding', 'no flash of the files before finishJoin returns')
  finishing.resolve()
  await done
  assert.equal(models.screen.value, 'unlocked')
  assert.equal(models.route.page.value, 'files')
  assert.equal(location.get(), '#/files')
  stop()
})
