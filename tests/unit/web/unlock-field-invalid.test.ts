import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createUnlockModel } from '../../../web/models/unlock-model.ts'
import { createTestClient, fail } from './fake-rpc.ts'

test('only a wrong passphrase marks the passphrase field; a lost node says so without blaming what was typed', async () => {
  let answer: 'WRONG_PASSPHRASE' | 'NODE_UNAVAILABLE' = 'NODE_UNAVAILABLE'
  const client = createTestClient({ 'vault.unlock': async () => fail(answer) })
  const unlock = createUnlockModel({ client, onOpened: () => {} })
  unlock.setPassphrase('a fine passphrase')
  await unlock.unlock()
  assert.match(unlock.error.value ?? '', /./)
  assert.equal(unlock.passphraseRefused.value, false)
  answer = 'WRONG_PASSPHRASE'
  await unlock.unlock()
  assert.equal(unlock.passphraseRefused.value, true)
  unlock.reset()
  assert.equal(unlock.passphraseRefused.value, false)
})

test('Unlock with an empty passphrase says to type it, on the field, without asking the node; typing clears it', async () => {
  const client = createTestClient({ 'vault.unlock': async () => fail('WRONG_PASSPHRASE') })
  const unlock = createUnlockModel({ client, onOpened: () => {} })
  await unlock.unlock()
  assert.equal(unlock.error.value, 'Type your passphrase.')
  assert.equal(unlock.passphraseRefused.value, true, 'the field is marked')
  assert.equal(client.calls.length, 0)
  unlock.setPassphrase('a')
  assert.equal(unlock.error.value, undefined)
  assert.equal(unlock.passphraseRefused.value, false)
})
