import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { FileInfo, VaultStatus } from '../../../core/rpc/api.ts'
import { memoryHashLocation } from '../../../web/lib/hash-location.ts'
import { createAppModels, startAppModels } from '../../../web/models/app-models.ts'
import { createTestClient, deferred, fail, settle } from './fake-rpc.ts'

const WORDS = Array.from({ length: 24 }, (_, i) => `word${i + 1}`)

function setup (initial: VaultStatus['state'], persist: boolean) {
  let status: VaultStatus = { state: initial, autoLockMinutes: 15 }
  const created = deferred<void>()
  const files: FileInfo[] = [{ fileId: 'f1', path: 'notes.txt', size: 3, mtime: 1, type: 'text/plain', cid: 'c' }]
  const client = createTestClient({
    'vault.status': async () => status,
    'vault.checkPassphrase': async ({ passphrase }) => ({ score: 4, acceptable: passphrase.length > 8, reasons: [], suggestions: [] }),
    'vault.create': async () => {
      status = { ...status, state: 'unlocked' }
      // The real node announces "unlocked" before create returns.
      client.emit('vault.status', status)
      await created.promise
      return { recoveryPhrase: WORDS.join(' ') }
    },
    'vault.lock': async () => { status = { ...status, state: 'locked' }; return status },
    'vault.confirmRecoveryPhrase': async () => status,
    'files.list': async () => status.state === 'unlocked' ? files : fail('VAULT_LOCKED'),
    'folders.list': async () => [],
    'vault.setAutoLock': async ({ minutes }) => { status = { ...status, autoLockMinutes: minutes }; return status }
  })
  const location = memoryHashLocation('#/settings')
  const models = createAppModels({ client, storage: { persist: async () => persist }, location, checkDelayMs: 1 })
  const stop = startAppModels(models, client)
  return { client, models, stop, created, location }
}

test('onboarding: create, see the words, confirm three of them, persistence asked, then the files', async () => {
  const { client, models, stop, created, location } = setup('none', true)
  await settle()
  assert.equal(models.screen.value, 'onboarding')
  const { onboarding } = models
  onboarding.form.setPassphrase('long enough passphrase')
  onboarding.form.setConfirmation('long enough passphrase')
  await settle(10)
  assert.equal(onboarding.form.ready.value, true)
  const creating = onboarding.create()
  await settle()
  // "unlocked" arrived mid-create: onboarding stays on screen.
  assert.equal(models.vault.state.value, 'unlocked')
  assert.equal(models.screen.value, 'onboarding')
  created.resolve()
  await creating
  assert.equal(onboarding.step.value, 'phrase')
  assert.deepEqual(onboarding.words.value, WORDS)
  assert.equal(onboarding.form.passphrase.value, '', 'the passphrase is not kept')

  onboarding.toConfirm()
  const positions = onboarding.positions.value
  assert.equal(positions.length, 3)
  for (const p of positions) onboarding.setAnswer(p, `word${p}`)
  onboarding.setAnswer(positions[1] ?? 0, 'nope')
  await onboarding.confirmWords()
  assert.equal(onboarding.step.value, 'confirm')
  assert.equal(client.calls.filter(c => c.method === 'vault.confirmRecoveryPhrase').length, 0, 'a wrong word confirms nothing')
  assert.deepEqual(onboarding.wrongPositions.value, [positions[1]])
  assert.match(onboarding.confirmError.value ?? '', new RegExp(`^Word ${positions[1]} doesn't match`))
  onboarding.setAnswer(positions[1] ?? 0, ` WORD${positions[1]} `)
  await onboarding.confirmWords()
  assert.equal(onboarding.step.value, 'storage')
  assert.equal(onboarding.persistence.value, 'granted')
  assert.equal(client.calls.filter(c => c.method === 'vault.confirmRecoveryPhrase').length, 1, 'the node hears the phrase was typed back')
  onboarding.finish()
  assert.deepEqual(onboarding.words.value, [], 'the phrase is dropped')
  assert.equal(models.screen.value, 'unlocked')
  assert.equal(models.route.page.value, 'files')
  assert.equal(location.get(), '#/files')
  stop()
})

test('locking (by hand or by the worker) forgets the file list and typed settings; unlocking reloads', async () => {
  const { client, models, stop } = setup('unlocked', false)
  await settle()
  assert.equal(models.screen.value, 'unlocked')
  assert.deepEqual(models.files.files.value.map(f => f.path), ['notes.txt'])
  models.settings.setCurrentPassphrase('typed secret')
  models.reveal.open()
  assert.equal(models.dialogOpen.value, true)
  // The worker's auto-lock arrives as an event.
  client.emit('vault.status', { state: 'locked', autoLockMinutes: 15 })
  assert.equal(models.screen.value, 'locked')
  assert.deepEqual(models.files.files.peek(), [])
  assert.equal(models.settings.currentPassphrase.value, '')
  assert.equal(models.dialogOpen.value, false)
  client.emit('vault.status', { state: 'unlocked', autoLockMinutes: 15 })
  await settle()
  assert.deepEqual(models.files.files.value.map(f => f.path), ['notes.txt'])
  await models.vault.lock()
  assert.equal(models.screen.value, 'locked')
  stop()
})

test('auto-lock accepts fractions of a minute and refuses nonsense with words', async () => {
  const { client, models, stop } = setup('unlocked', false)
  await settle()
  assert.equal(models.settings.autoLockText.value, '15')
  models.settings.setAutoLockText('abc')
  await models.settings.saveAutoLock()
  assert.match(models.settings.autoLockError.value ?? '', /number of minutes/)
  assert.equal(client.calls.some(c => c.method === 'vault.setAutoLock'), false)
  models.settings.setAutoLockText('0.05')
  await models.settings.saveAutoLock()
  assert.equal(models.settings.autoLockError.value, undefined)
  assert.equal(models.vault.status.value?.autoLockMinutes, 0.05)
  assert.equal(models.settings.autoLockText.value, '0.05')
  stop()
})
