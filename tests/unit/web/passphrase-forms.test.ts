import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PassphraseCheck } from '../../../core/rpc/api.ts'
import { createNewPassphraseForm } from '../../../web/models/new-passphrase-form.ts'
import { createUnlockModel } from '../../../web/models/unlock-model.ts'
import { createTestClient, deferred, fail, settle } from './fake-rpc.ts'

const verdict = (passphrase: string): PassphraseCheck =>
  passphrase.length >= 12 ? { score: 4, acceptable: true, reasons: [], suggestions: [] } : { score: 1, acceptable: false, reasons: ['too short'], suggestions: [] }

test('strength checks are debounced, and the form is ready only for an accepted, confirmed passphrase', async () => {
  const client = createTestClient({ 'vault.checkPassphrase': async ({ passphrase }) => verdict(passphrase) })
  const form = createNewPassphraseForm(client, 5)
  for (const text of ['c', 'co', 'cor', 'correct horse battery']) form.setPassphrase(text)
  await settle(20)
  assert.equal(client.calls.length, 1, 'one check for a burst of typing')
  assert.equal(form.verdict.value?.score, 4)
  assert.equal(form.ready.value, false, 'not confirmed yet')
  form.setConfirmation('correct horse battery!')
  assert.equal(form.mismatch.value, true)
  assert.equal(form.ready.value, false)
  form.setConfirmation('correct horse battery')
  assert.equal(form.ready.value, true)
  // Typing again makes the verdict stale until the node answers for the new text.
  form.setPassphrase('short')
  assert.equal(form.verdict.peek(), undefined)
  assert.equal(form.ready.value, false)
  await settle(20)
  assert.equal(form.verdict.peek()?.acceptable, false)
})

test('an answer for old text that arrives late does not overwrite the newer one', async () => {
  const slow = deferred<PassphraseCheck>()
  const client = createTestClient({
    'vault.checkPassphrase': async ({ passphrase }) => passphrase === 'first passphrase' ? await slow.promise : verdict(passphrase)
  })
  const form = createNewPassphraseForm(client, 1)
  form.setPassphrase('first passphrase')
  await settle(5)
  form.setPassphrase('second passphrase')
  await settle(5)
  slow.resolve({ score: 0, acceptable: false, reasons: ['stale'], suggestions: [] })
  await settle(5)
  assert.equal(form.check.latest.value?.passphrase, 'second passphrase')
  assert.equal(form.verdict.value?.acceptable, true)
})

test('a wrong passphrase says so and keeps what was typed; the right one opens and forgets it', async () => {
  const client = createTestClient({
    'vault.unlock': async ({ passphrase }) => passphrase === 'right one' ? { state: 'unlocked', autoLockMinutes: 15 } : fail('WRONG_PASSPHRASE')
  })
  const opened: string[] = []
  const unlock = createUnlockModel({ client, onOpened: (s) => { opened.push(s.state) } })
  unlock.setPassphrase('wrong one')
  await unlock.unlock()
  assert.equal(unlock.error.value, "That passphrase doesn't open this vault.")
  assert.equal(unlock.passphrase.value, 'wrong one')
  assert.deepEqual(opened, [])
  unlock.setPassphrase('right one')
  await unlock.unlock()
  assert.deepEqual(opened, ['unlocked'])
  assert.equal(unlock.passphrase.value, '')
  assert.equal(unlock.error.value, undefined)
})

test('recovery normalises the phrase, maps both recovery errors, and keeps the fields (no word list: the node judges)', async () => {
  const sent: string[] = []
  const client = createTestClient({
    'vault.checkPassphrase': async ({ passphrase }) => verdict(passphrase),
    'vault.recover': async ({ recoveryPhrase }) => {
      sent.push(recoveryPhrase)
      return sent.length === 1 ? fail('BAD_RECOVERY_PHRASE') : fail('WRONG_RECOVERY_PHRASE')
    }
  })
  const unlock = createUnlockModel({ client, onOpened: () => {}, checkDelayMs: 1, recoveryWords: async () => undefined })
  unlock.showRecover()
  unlock.setRecoveryPhrase('  Orbit   canal\nmaple ')
  unlock.form.setPassphrase('a new long passphrase')
  unlock.form.setConfirmation('a new long passphrase')
  await settle(10)
  await unlock.recover()
  assert.deepEqual(sent, ['orbit canal maple'])
  assert.match(unlock.error.value ?? '', /recovery phrase isn't valid/)
  await unlock.recover()
  assert.match(unlock.error.value ?? '', /recovery phrase doesn't belong/)
  assert.equal(unlock.mode.value, 'recover')
  assert.equal(unlock.form.passphrase.value, 'a new long passphrase')
})

test('the example passphrase from the node\'s first refusal stays put while the person types, and goes on reset', async () => {
  let n = 0
  const client = createTestClient({
    'vault.checkPassphrase': async ({ passphrase }) => ({ ...verdict(passphrase), ...(passphrase.length >= 12 ? {} : { example: `example number ${++n}` }) })
  })
  const form = createNewPassphraseForm(client, 5)
  form.setPassphrase('weak')
  await settle(20)
  assert.equal(form.check.example.value, 'example number 1')
  form.setPassphrase('weaker')
  await settle(20)
  assert.equal(client.calls.length, 2)
  assert.equal(form.check.example.value, 'example number 1', 'not a new one per keystroke')
  form.clear()
  assert.equal(form.check.example.value, undefined)
  form.setPassphrase('weak again')
  await settle(20)
  assert.equal(form.check.example.value, 'example number 3')
})
