import type { ZxcvbnFactory } from '@zxcvbn-ts/core'
import type { PassphraseCheck } from './passphrase-check.ts'
import { randomWords } from './passphrase-example.ts'

export type { PassphraseCheck }

/**
 * Passphrase strength (DESIGN §3): a real estimator, zxcvbn-ts with its
 * common and English dictionaries, which counts the guesses a cracker that
 * knows words, names, common passwords, keyboard walks, dates and l33t would
 * need. Its dictionaries are large, so they are imported only when the first
 * passphrase is judged (a chunk of their own in the build).
 */

/**
 * Accepted from 10^10 estimated guesses (zxcvbn's "strong protection from an
 * offline slow-hash attack"): someone who copies this device's storage can try
 * passphrases against the wrapped vault key offline, at the pace Argon2id allows.
 * Below it fall `monkeydragon12`, `Sunflower1`, `correcthorse` (all near 10^5)
 * and `ilovemydog` (10^8); a few unrelated words pass easily.
 */
export const MIN_GUESSES_LOG10 = 10
/** Words of the example (BIP-39's 2048: 55 bits, whatever an estimator thinks). */
const EXAMPLE_WORDS = 5
/** Words an attacker would try first against a Cairn vault. */
const USER_INPUTS = ['cairn', 'vault', 'passphrase', 'password']

let loading: Promise<ZxcvbnFactory> | undefined

/** The estimator, its dictionaries loaded on first use (a failed load is retried next time). */
async function estimator (): Promise<ZxcvbnFactory> {
  if (loading === undefined) {
    loading = (async () => {
      const [{ ZxcvbnFactory }, common, en] = await Promise.all([
        import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')
      ])
      return new ZxcvbnFactory({
        dictionary: { ...common.dictionary, ...en.dictionary },
        graphs: common.adjacencyGraphs,
        // No Levenshtein matching: ten times slower per check (~1 s on a busy machine) for little gain.
        translations: en.translations
      })
    })()
    loading.catch(() => { loading = undefined })
  }
  return await loading
}

function scoreOf (guessesLog10: number): PassphraseCheck['score'] {
  if (guessesLog10 < 6) return 0
  if (guessesLog10 < 8) return 1
  if (guessesLog10 < MIN_GUESSES_LOG10) return 2
  if (guessesLog10 < 12) return 3
  return 4
}

/** A fresh random-word passphrase that the estimator accepts. */
function passingExample (zxcvbn: ZxcvbnFactory): string {
  for (;;) {
    const example = randomWords(EXAMPLE_WORDS).join(' ')
    // Practically always at the first try; the loop only guarantees what the page promises.
    if (weakestReading(zxcvbn, example).guessesLog10 >= MIN_GUESSES_LOG10) return example
  }
}

/**
 * zxcvbn-ts matches no dictionary word across a space and prices " horse " as
 * seven random characters, so spaces alone lift "correct horse battery
 * staple" from 10^13 to 10^20 guesses. A cracker tries the words with and
 * without separators, so the passphrase counts as its weaker reading.
 */
function weakestReading (zxcvbn: ZxcvbnFactory, passphrase: string): ReturnType<ZxcvbnFactory['check']> {
  const asTyped = zxcvbn.check(passphrase, USER_INPUTS)
  const joined = passphrase.replace(/\s+/gu, '')
  if (joined === passphrase) return asTyped
  const withoutSpaces = zxcvbn.check(joined, USER_INPUTS)
  return withoutSpaces.guessesLog10 < asTyped.guessesLog10 ? withoutSpaces : asTyped
}

/** Judges a passphrase for a vault; `acceptable` false means the node refuses it (WEAK_PASSPHRASE). */
export async function checkPassphrase (passphrase: string): Promise<PassphraseCheck> {
  const zxcvbn = await estimator()
  if (passphrase.trim() === '') {
    return { score: 0, acceptable: false, reasons: ['It is empty.'], suggestions: ['Use a few words that are not a saying, a title or a name.'], example: passingExample(zxcvbn) }
  }
  const result = weakestReading(zxcvbn, passphrase)
  const score = scoreOf(result.guessesLog10)
  if (result.guessesLog10 >= MIN_GUESSES_LOG10) return { score, acceptable: true, reasons: [], suggestions: [] }

  const reasons = result.feedback.warning !== null && result.feedback.warning !== ''
    ? [result.feedback.warning]
    : ['It is too easy to guess for someone who copies this device\'s data and tries passphrases offline.']
  const suggestions = [...new Set(result.feedback.suggestions)]
  if (suggestions.length === 0) suggestions.push('Add another word or two.')
  return { score, acceptable: false, reasons, suggestions, example: passingExample(zxcvbn) }
}
