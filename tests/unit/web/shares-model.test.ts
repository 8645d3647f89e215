import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ShareInfo, VaultStatus } from '../../../core/rpc/api.ts'
import { messageForCode } from '../../../web/error-messages.ts'
import { memoryHashLocation } from '../../../web/lib/hash-location.ts'
import { createAppModels, startAppModels } from '../../../web/models/app-models.ts'
import { parsePage } from '../../../web/models/route-model.ts'
import type { NativeShareData } from '../../../web/models/shares-model.ts'
import { endOfLocalDay, localDateValue } from '../../../web/models/share-fields.ts'
import { createTestClient, deferred, fail, settle } from './fake-rpc.ts'
import { createCalls, file, NOW, setup, share } from './shares-model-support.ts'


test('a date field value means the end of that local day; anything else is not a date', () => {
  const end = endOfLocalDay('2026-03-12')
  assert.equal(end, new Date(2026, 2, 12, 23, 59, 59, 999).getTime())
  assert.equal((end ?? 0) + 1, new Date(2026, 2, 13).getTime(), 'one millisecond later the next day starts')
  assert.equal(endOfLocalDay('2026-02-31'), undefined, 'no 31 February')
  assert.equal(endOfLocalDay('12/03/2026'), undefined)
  assert.equal(endOfLocalDay(''), undefined)
  assert.equal(localDateValue(NOW), '2026-03-10')
})

test('create without an expiry sends the file id (not relay addresses only, by default) and shows the link', async () => {
  const { client, shares } = setup()
  shares.startShare(file)
  assert.deepEqual(shares.sharing.value, { file })
  await shares.create()
  assert.deepEqual(createCalls(client).map(c => c.args), [{ fileId: 'f1', relayOnly: false }])
  assert.equal(shares.created.value?.link, 'https://cairn.test/#/s/new1')
  assert.equal(shares.createError.value, undefined)
  assert.equal(shares.createBusy.value, false)
  assert.deepEqual(shares.shares.value.map(s => s.id), ['new1'], 'the new share is listed at once')
  await shares.create()
  assert.equal(createCalls(client).length, 1, 'one link per opening of the dialog')
})

test('"Relay addresses only" can be turned on, for file and folder links alike', async () => {
  const { client, shares } = setup()
  assert.equal(shares.relayOnly.value, false)
  shares.setRelayOnly(true)
  shares.startShare(file)
  await shares.create()
  assert.deepEqual(createCalls(client).map(c => c.args), [{ fileId: 'f1', relayOnly: true }])
})

test('create with a date sends the end of that local day; today counts as the future', async () => {
  const { client, shares } = setup()
  shares.startShare(file)
  shares.setExpiresOn('2026-04-01')
  await shares.create()
  const expiresAt = (createCalls(client)[0]?.args as { expiresAt?: number }).expiresAt
  assert.equal(expiresAt, new Date(2026, 3, 1, 23, 59, 59, 999).getTime())
  const local = new Date(expiresAt ?? 0)
  assert.deepEqual([local.getFullYear(), local.getMonth(), local.getDate(), local.getHours(), local.getMinutes()], [2026, 3, 1, 23, 59])
  assert.equal(shares.created.value?.expiresAt, expiresAt)

  shares.startShare(file)
  assert.equal(shares.expiresOn.value, '', 'a new dialog starts with no expiry')
  assert.equal(shares.created.value, undefined)
  shares.setExpiresOn('2026-03-10')
  await shares.create()
  assert.equal((createCalls(client)[1]?.args as { expiresAt?: number }).expiresAt, new Date(2026, 2, 10, 23, 59, 59, 999).getTime())
})

test('a date in the past (or not a date) is refused without asking the node', async () => {
  const { client, shares } = setup()
  shares.startShare(file)
  shares.setExpiresOn('2026-03-09')
  await shares.create()
  assert.equal(createCalls(client).length, 0)
  assert.equal(shares.createError.value, messageForCode('SHARE_EXPIRY_INVALID'))
  assert.match(shares.createError.value ?? '', /future/)
  assert.equal(shares.created.value, undefined)
  shares.setExpiresOn('2026-13-01')
  assert.equal(shares.createError.value, undefined, 'changing the date clears the message')
  await shares.create()
  assert.equal(createCalls(client).length, 0)
  assert.equal(shares.createError.value, messageForCode('SHARE_EXPIRY_INVALID'))
})

test('busy while the node makes the copy, then its error in words; trying again works', async () => {
  const { client, shares } = setup()
  const gate = deferred<void>()
  const original = client.handlers['shares.create']
  client.handlers['shares.create'] = async () => { await gate.promise; return fail('STORAGE_FAILED') }
  shares.startShare(file)
  const running = shares.create()
  assert.equal(shares.createBusy.value, true)
  await shares.create()
  assert.equal(createCalls(client).length, 1, 'no second create while one runs')
  gate.resolve()
  await running
  assert.equal(shares.createBusy.value, false)
  assert.equal(shares.created.value, undefined)
  assert.equal(shares.createError.value, messageForCode('STORAGE_FAILED'))
  client.handlers['shares.create'] = original
  await shares.create()
  assert.equal(shares.createError.value, undefined)
  assert.equal(shares.created.peek()?.id, 'new1')
})

test('a dialog closed while its link was being made does not show that link in the next one', async () => {
  const { client, shares } = setup()
  const gate = deferred<void>()
  const original = client.handlers['shares.create']
  client.handlers['shares.create'] = async (args) => { await gate.promise; return await (original as NonNullable<typeof original>)(args) }
  shares.startShare(file)
  const running = shares.create()
  shares.closeShare()
  assert.equal(shares.createBusy.value, false)
  shares.startShare({ ...file, fileId: 'f2', path: 'other.txt' })
  gate.resolve()
  await running
  assert.equal(shares.created.value, undefined)
  assert.equal(shares.createBusy.value, false)
  assert.deepEqual(shares.shares.value.map(s => s.id), ['new1'], 'the share was still made, so it is listed')
})

test('open() lists newest first, now and on shares.changed; stop ends it', async () => {
  const { client, shares, setList, timers } = setup()
  assert.equal(shares.loaded.value, false)
  setList([share('a', { createdAt: 1 }), share('c', { createdAt: 3 }), share('b', { createdAt: 2 })])
  const stop = shares.open()
  await settle()
  assert.equal(shares.loaded.value, true)
  assert.deepEqual(shares.shares.value.map(s => s.id), ['c', 'b', 'a'])
  setList([share('b', { createdAt: 2, pinnedOn: ['PeerP'] })])
  client.emit('shares.changed', undefined)
  await settle()
  assert.deepEqual(shares.shares.value.map(s => [s.id, s.pinnedOn]), [['b', ['PeerP']]])
  timers.tick()
  await settle()
  const listed = client.calls.filter(c => c.method === 'shares.list').length
  assert.equal(listed, 3)
  stop()
  client.emit('shares.changed', undefined)
  timers.tick()
  assert.equal(client.calls.filter(c => c.method === 'shares.list').length, listed)
  assert.equal(timers.active(), 0)
})

test('stop sharing asks first; confirming stops it and the row disappears; cancel keeps it', async () => {
  const { client, shares } = setup()
  await shares.refresh()
  const old = shares.shares.value[0] as ShareInfo
  shares.startStop(old)
  assert.equal(shares.stopping.value?.id, 'old')
  assert.equal(client.calls.some(c => c.method === 'shares.stop'), false)
  shares.cancelStop()
  assert.equal(shares.stopping.value, undefined)
  assert.equal(shares.shares.value.length, 1)
  client.handlers['shares.stop'] = async () => fail('PEER_UNREACHABLE')
  shares.startStop(old)
  await shares.confirmStop()
  assert.equal(shares.stopError.value, messageForCode('PEER_UNREACHABLE'))
  assert.equal(shares.stopping.peek()?.id, 'old', 'the dialog stays open to try again')
  assert.equal(shares.shares.value.length, 1)
  client.handlers['shares.stop'] = async () => undefined
  await shares.confirmStop()
  assert.deepEqual(client.calls.filter(c => c.method === 'shares.stop').at(-1)?.args, { id: 'old' })
  assert.equal(shares.stopping.value, undefined)
  assert.equal(shares.stopError.value, undefined)
  assert.deepEqual(shares.shares.value, [])
})

test('the share sheet gets the name and link; the user cancelling it is not an error, a refusal is', async () => {
  const seen: NativeShareData[] = []
  let outcome: 'ok' | 'abort' | 'deny' = 'abort'
  const { shares } = setup({
    nativeShare: async (data) => {
      seen.push(data)
      if (outcome === 'abort') throw new DOMException('cancelled', 'AbortError')
      if (outcome === 'deny') throw new DOMException('no', 'NotAllowedError')
    }
  })
  assert.equal(shares.canShareNative, true)
  shares.startShare(file)
  await shares.create()
  await shares.shareNative()
  assert.deepEqual(seen, [{ title: 'cat.jpg', url: 'https://cairn.test/#/s/new1' }])
  assert.equal(shares.nativeShareError.value, undefined)
  outcome = 'deny'
  await shares.shareNative()
  assert.match(shares.nativeShareError.value ?? '', /Copy the link/)
  outcome = 'ok'
  await shares.shareNative()
  assert.equal(shares.nativeShareError.value, undefined)
  assert.equal(setup().shares.canShareNative, false, 'no share sheet, no Share… button')
})

test('the QR code toggles; closing or locking forgets the link', async () => {
  const { shares } = setup()
  shares.startShare(file)
  await shares.create()
  assert.equal(shares.showQr.value, false)
  shares.toggleQr()
  assert.equal(shares.showQr.value, true)
  shares.toggleQr()
  assert.equal(shares.showQr.value, false)
  shares.toggleQr()
  shares.closeShare()
  assert.equal(shares.sharing.value, undefined)
  assert.equal(shares.created.value, undefined)
  assert.equal(shares.showQr.value, false)
  await shares.refresh()
  shares.startShare(file)
  await shares.create()
  shares.startStop(shares.shares.value[0] as ShareInfo)
  shares.reset()
  assert.equal(shares.sharing.value, undefined)
  assert.equal(shares.created.value, undefined)
  assert.equal(shares.stopping.value, undefined)
  assert.deepEqual(shares.shares.value, [])
  assert.equal(shares.loaded.value, false)
})

test('a list in flight when the vault locks is dropped', async () => {
  const { client, shares } = setup()
  const gate = deferred<void>()
  const original = client.handlers['shares.list']
  client.handlers['shares.list'] = async (args) => { await gate.promise; return await (original as NonNullable<typeof original>)(args) }
  const running = shares.refresh()
  shares.reset()
  gate.resolve()
  await running
  assert.deepEqual(shares.shares.value, [])
  assert.equal(shares.loaded.value, false)
})

test('in the app: #/shares is a page, the Share dialog hides the page behind it, and locking forgets the link', async () => {
  assert.equal(parsePage('#/shares'), 'shares')
  const status: VaultStatus = { state: 'unlocked', autoLockMinutes: 15 }
  const client = createTestClient({
    'vault.status': async () => status,
    'files.list': async () => [file],
    'shares.create': async () => share('s1')
  })
  const models = createAppModels({ client, storage: undefined, location: memoryHashLocation('#/shares'), checkDelayMs: 1 })
  const stop = startAppModels(models, client)
  await settle()
  assert.equal(models.route.page.value, 'shares')
  assert.equal(models.dialogOpen.value, false)
  models.shares.startShare(file)
  assert.equal(models.dialogOpen.value, true)
  await models.shares.create()
  assert.equal(models.shares.created.value?.id, 's1')
  client.emit('vault.status', { state: 'locked', autoLockMinutes: 15 })
  assert.equal(models.shares.created.value, undefined)
  assert.deepEqual(models.shares.shares.value, [])
  assert.equal(models.dialogOpen.value, false)
  models.shares.startStop(share('s1'))
  assert.equal(models.dialogOpen.value, true)
  stop()
})
