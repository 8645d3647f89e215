import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RECOVERY_PHRASE_CHECKSUM } from '../../../web/error-messages.ts'
import { createRestoreModel } from '../../../web/models/restore-model.ts'
import { createUnlockModel } from '../../../web/models/unlock-model.ts'
import { createTestClient, fail, settle } from './fake-rpc.ts'

const PASS = 'a new long passphrase'
const accept = async ({ passphrase }: { passphrase: string }) => ({ score: 4 as const, acceptable: passphrase.length >= 12, reasons: [], suggestions: [] })
/** The BIP-39 phrase of an all-zero key: 24 known words, a valid checksum. */
const VALID = [...Array<string>(23).fill('abandon'), 'art']

function withWord (position: number, word: string, words = VALID): string {
  return words.map((w, i) => i === position - 1 ? word : w).join(' ')
}

test('Restore names a word that is not a recovery word, and its position, without asking the node', async () => {
  const client = createTestClient({ 'vault.checkPassphrase': accept, 'vault.restore': async () => fail('BAD_RECOVERY_PHRASE') })
  const restore = createRestoreModel({ client, onRestored: () => {}, checkDelayMs: 1 })
  restore.show()
  restore.setRecoveryPhrase(withWord(7, 'Abandn'))
  restore.setPeerAddress('/ip4/127.0.0.1/tcp/4201/ws/p2p/PeerP')
  restore.form.setPassphrase(PASS)
  restore.form.setConfirmation(PASS)
  await settle(10)
  await restore.restore()
  assert.equal(restore.error.value, 'Word 7, “abandn”, is not a recovery word. Check it against the recovery phrase you wrote down.')
  assert.equal(restore.phraseRefused.value, true)
  assert.equal(client.calls.some(c => c.method === 'vault.restore'), false)

  // 23 words: said as such.
  restore.setRecoveryPhrase(VALID.slice(1).join(' '))
  await restore.restore()
  assert.equal(restore.error.value, 'That recovery phrase has 23 words; it needs 24.')
  assert.equal(client.calls.some(c => c.method === 'vault.restore'), false)

  // Every word known, 24 of them: the node's refusal can only be the checksum (a wrong or swapped word).
  restore.setRecoveryPhrase(withWord(24, 'abandon'))
  await restore.restore()
  assert.equal(restore.error.value, RECOVERY_PHRASE_CHECKSUM)
  assert.equal(client.calls.filter(c => c.method === 'vault.restore').length, 1)
})

test('the phrase hint names a finished unknown word while typing, and counts otherwise', async () => {
  const restore = createRestoreModel({ client: createTestClient({}), onRestored: () => {} })
  restore.show()
  assert.equal(restore.phraseHint.value, '24 words, in order, separated by spaces or new lines.')
  restore.setRecoveryPhrase('abandon abandn ')
  await settle(50)
  assert.equal(restore.phraseHint.value, 'Word 2, “abandn”, is not a recovery word. Check it against the recovery phrase you wrote down.')
  // The last word may still be being typed: only counted.
  restore.setRecoveryPhrase('abandon aband')
  assert.equal(restore.phraseHint.value, '2 of 24 words — 22 words still missing.')
  // Commas separate words, as the node reads them.
  restore.setRecoveryPhrase('abandon,ability, able')
  assert.equal(restore.phraseHint.value, '3 of 24 words — 21 words still missing.')
})

test('"Forgot passphrase" names the unknown word too, counts the words, and words a checksum failure', async () => {
  const client = createTestClient({ 'vault.checkPassphrase': accept, 'vault.recover': async () => fail('BAD_RECOVERY_PHRASE') })
  const unlock = createUnlockModel({ client, onOpened: () => {}, checkDelayMs: 1 })
  unlock.showRecover()
  assert.equal(unlock.phraseHint.value, '24 words, in order, separated by spaces or new lines.')
  unlock.setRecoveryPhrase(withWord(12, 'zebraa'))
  unlock.form.setPassphrase(PASS)
  unlock.form.setConfirmation(PASS)
  await settle(10)
  assert.match(unlock.phraseHint.value, /^Word 12, “zebraa”, is not a recovery word/)
  await unlock.recover()
  assert.equal(unlock.error.value, 'Word 12, “zebraa”, is not a recovery word. Check it against the recovery phrase you wrote down.')
  assert.equal(unlock.phraseRefused.value, true)
  assert.equal(client.calls.some(c => c.method === 'vault.recover'), false)

  unlock.setRecoveryPhrase(withWord(24, 'abandon'))
  assert.equal(unlock.phraseHint.value, 'All 24 words are there.')
  await unlock.recover()
  assert.equal(unlock.error.value, RECOVERY_PHRASE_CHECKSUM)
  assert.equal(unlock.phraseRefused.value, true)
})
