import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mnemonicToEntropy } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { isCairnError } from '../../../core/errors.ts'
import { UnknownRecoveryWordError, normaliseRecoveryPhrase, phraseToVaultKey, vaultKeyToPhrase } from '../../../core/crypto/recovery-phrase.ts'
import { generateVaultKey, keyCheckValue } from '../../../core/crypto/vault-key.ts'
import { assertCode } from './stream-helpers.ts'

function refuses (phrase: string, check: Uint8Array, code: 'BAD_RECOVERY_PHRASE' | 'WRONG_RECOVERY_PHRASE'): unknown {
  let caught: unknown
  assert.throws(() => phraseToVaultKey(phrase, check), (err: unknown) => { assertCode(err, code); caught = err; return true })
  return caught
}

describe('recovery phrase', () => {
  const vk = generateVaultKey()
  const check = keyCheckValue(vk)
  const phrase = vaultKeyToPhrase(vk)
  const words = phrase.split(' ')

  it('is 24 English BIP-39 words that encode the vault key', () => {
    assert.equal(words.length, 24)
    assert.ok(words.every(w => wordlist.includes(w)))
    assert.deepEqual(mnemonicToEntropy(phrase, wordlist), vk)
    // The BIP-39 reference vector for 32 zero bytes.
    assert.equal(vaultKeyToPhrase(new Uint8Array(32)), `${'abandon '.repeat(23)}art`)
  })

  it('round-trips, ignoring case and extra whitespace', () => {
    assert.deepEqual(phraseToVaultKey(phrase, check), vk)
    const messy = `  ${words.map((w, i) => (i % 3 === 0 ? w.toUpperCase() : w)).join(' \n\t ')}  `
    assert.deepEqual(phraseToVaultKey(messy, check), vk)
    assert.deepEqual(normaliseRecoveryPhrase(' Abandon\n  ART '), ['abandon', 'art'])
  })

  it('names the position of an unknown word', () => {
    const typo = [...words]
    typo[4] = 'notaword'
    const err = refuses(typo.join(' '), check, 'BAD_RECOVERY_PHRASE')
    assert.ok(err instanceof UnknownRecoveryWordError)
    assert.equal(err.position, 5)
    assert.match(err.message, /word 5 \("notaword"\)/)
  })

  it('refuses the wrong number of words', () => {
    refuses(words.slice(0, 23).join(' '), check, 'BAD_RECOVERY_PHRASE')
    refuses([...words, 'abandon'].join(' '), check, 'BAD_RECOVERY_PHRASE')
    refuses(words.slice(0, 12).join(' '), check, 'BAD_RECOVERY_PHRASE')
    refuses('', check, 'BAD_RECOVERY_PHRASE')
  })

  it('refuses a phrase whose checksum fails', () => {
    // Try replacements of word 7 until one breaks the checksum (almost any does).
    const bad = wordlist.map(w => { const t = [...words]; t[6] = w; return t.join(' ') })
      .find(p => p !== phrase && !passesChecksum(p))
    assert.ok(bad !== undefined)
    refuses(bad, check, 'BAD_RECOVERY_PHRASE')
  })

  it('refuses a one-word typo that passes the checksum as WRONG_RECOVERY_PHRASE', () => {
    // About 1 in 256 replacements of one word keep the checksum valid: find them.
    const passing = wordlist.filter(w => w !== words[10])
      .map(w => { const t = [...words]; t[10] = w; return t.join(' ') })
      .filter(passesChecksum)
    assert.ok(passing.length >= 1 && passing.length < 40, `${passing.length} of 2047 typos pass the checksum`)
    for (const typo of passing) refuses(typo, check, 'WRONG_RECOVERY_PHRASE')
  })

  it('refuses a valid phrase of another vault as WRONG_RECOVERY_PHRASE', () => {
    refuses(vaultKeyToPhrase(generateVaultKey()), check, 'WRONG_RECOVERY_PHRASE')
  })

  it('every refusal is a CairnError (nothing else escapes)', () => {
    for (const p of ['x', `${phrase} extra`, phrase.replace(/ /g, ''), '🙂 '.repeat(24)]) {
      assert.throws(() => phraseToVaultKey(p, check), (err: unknown) => isCairnError(err))
    }
  })
})

function passesChecksum (phrase: string): boolean {
  try {
    mnemonicToEntropy(phrase, wordlist)
    return true
  } catch {
    return false
  }
}
