import { wordlist } from '@scure/bip39/wordlists/english.js'

/**
 * Words for an example passphrase, drawn with the platform CSPRNG from the
 * BIP-39 English list (2048 short, common, distinct words: 11 bits each).
 * 2048 divides 2^16, so masking a random 16-bit value picks without bias.
 */
export function randomWords (count: number, random: (values: Uint16Array<ArrayBuffer>) => Uint16Array = (values) => globalThis.crypto.getRandomValues(values)): string[] {
  const picks = random(new Uint16Array(count))
  return Array.from(picks, (n) => {
    const word = wordlist[n & (wordlist.length - 1)]
    if (word === undefined) throw new Error('the BIP-39 word list has 2048 words')
    return word
  })
}
