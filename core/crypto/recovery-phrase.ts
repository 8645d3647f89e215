import { equalBytes } from '@noble/ciphers/utils.js'
import { entropyToMnemonic, mnemonicToEntropy } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { CairnError, InvalidArgumentError } from '../errors.ts'
import { keyCheckValue, VAULT_KEY_LENGTH } from './vault-key.ts'

/**
 * The recovery phrase (DESIGN §3): the 32-byte vault key as 24 English BIP-39
 * words. The BIP-39 checksum catches most typos but lets about 1 in 256
 * one-word changes through, so a decoded key is also checked against the
 * vault's stored key-check value.
 */

export const RECOVERY_PHRASE_WORDS = 24

const WORDS = new Set(wordlist)

/** A word of the phrase that is not in the word list; `position` counts from 1. */
export class UnknownRecoveryWordError extends CairnError {
  readonly position: number
  readonly word: string

  constructor (position: number, word: string) {
    super('BAD_RECOVERY_PHRASE', `word ${position} ("${word}") is not a recovery-phrase word`)
    this.position = position
    this.word = word
  }
}

/** The 24 words of `vaultKey`, separated by single spaces. */
export function vaultKeyToPhrase (vaultKey: Uint8Array): string {
  if (vaultKey.length !== VAULT_KEY_LENGTH) throw new InvalidArgumentError(`a vault key is ${VAULT_KEY_LENGTH} bytes`)
  return entropyToMnemonic(vaultKey, wordlist)
}

/** Lower-cases and splits a typed or pasted phrase; any whitespace (and commas) separate words. */
export function normaliseRecoveryPhrase (phrase: string): string[] {
  return phrase.normalize('NFKD').toLowerCase().split(/[\s,]+/u).filter(w => w.length > 0)
}

/**
 * Turns a recovery phrase back into the vault key, refusing it unless it is 24
 * known words with a valid checksum (BAD_RECOVERY_PHRASE, naming the first
 * unknown word's position) and the key matches `expectedKeyCheck`
 * (WRONG_RECOVERY_PHRASE).
 */
export function phraseToVaultKey (phrase: string, expectedKeyCheck: Uint8Array): Uint8Array {
  const vaultKey = decodeRecoveryPhrase(phrase)
  if (!equalBytes(keyCheckValue(vaultKey), expectedKeyCheck)) {
    vaultKey.fill(0)
    throw new CairnError('WRONG_RECOVERY_PHRASE', 'this recovery phrase does not belong to this vault (or a word is wrong)')
  }
  return vaultKey
}

/**
 * The vault key a phrase encodes, checked only by BIP-39 (24 known words, a
 * valid checksum). For a restore on a new device, which has no key-check
 * value yet: there the backup peer's answer is the check (a wrong key names
 * a vault the peer never paired).
 */
export function decodeRecoveryPhrase (phrase: string): Uint8Array {
  const words = normaliseRecoveryPhrase(phrase)
  words.forEach((word, i) => {
    if (!WORDS.has(word)) throw new UnknownRecoveryWordError(i + 1, word)
  })
  if (words.length !== RECOVERY_PHRASE_WORDS) {
    throw new CairnError('BAD_RECOVERY_PHRASE', `a recovery phrase has ${RECOVERY_PHRASE_WORDS} words, this one has ${words.length}`)
  }
  let vaultKey: Uint8Array
  try {
    vaultKey = mnemonicToEntropy(words.join(' '), wordlist)
  } catch (err) {
    throw new CairnError('BAD_RECOVERY_PHRASE', 'the recovery phrase has a mistake (its checksum does not match)', { cause: err })
  }
  return vaultKey
}
