/**
 * The verdict on a passphrase (core/crypto/passphrase-strength.ts; the node
 * gives it, the UI only shows it). Beside the estimator, not in core/rpc: core/
 * never imports rpc; core/rpc/api.ts re-exports it.
 */
export interface PassphraseCheck {
  /** 0 (useless) to 4 (strong); 3 and 4 are accepted. */
  score: 0 | 1 | 2 | 3 | 4
  /** False when vault.create / recover / restore / changePassphrase would refuse it (WEAK_PASSPHRASE). */
  acceptable: boolean
  /** Why it is weak, in words; empty when accepted. */
  reasons: string[]
  /** What would make it stronger; empty when accepted. */
  suggestions: string[]
  /** Only when refused: a passphrase that passes, of random words (a fresh one each time, never a fixed example). */
  example?: string
}

