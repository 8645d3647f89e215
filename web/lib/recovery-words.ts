/**
 * The BIP-39 English word list the recovery phrase is made of (core/crypto's
 * mnemonic), for naming a mistyped word before the phrase is sent. Loaded on
 * first use, as a chunk of its own (~13 KB gzipped), not with the app; the
 * service worker precaches it like every chunk. Undefined when it could not
 * be loaded: the node still checks every word.
 */
let loading: Promise<ReadonlySet<string> | undefined> | undefined

export async function loadRecoveryWords (): Promise<ReadonlySet<string> | undefined> {
  loading ??= import('@scure/bip39/wordlists/english.js').then(
    ({ wordlist }) => new Set(wordlist),
    () => {
      // Try again next time (a chunk fetch that failed once, offline before it was cached).
      loading = undefined
      return undefined
    }
  )
  return await loading
}
