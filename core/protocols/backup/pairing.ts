/**
 * One-time pairing codes: 16 characters of Crockford base32 (80 random
 * bits), shown as four groups of four, e.g. `7KQ2-M9XD-4TPV-0HCE`. Typing
 * is forgiving: case, spaces and dashes do not matter, and O/I/L read as
 * 0/1/1. Brute force is hopeless (80 bits, a code expires after minutes)
 * and further slowed by `PairingLimiter`.
 */
export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const CODE_LENGTH = 16

/** A fresh code in its canonical 16-character form (no dashes). */
export function generatePairingCode (): string {
  // 256 is a multiple of 32, so `byte & 31` picks each character uniformly.
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(CODE_LENGTH))
  let code = ''
  for (const byte of bytes) code += CODE_ALPHABET[byte & 31]
  return code
}

/** `XXXX-XXXX-XXXX-XXXX`, for people. */
export function formatPairingCode (code: string): string {
  return (code.match(/.{1,4}/g) ?? []).join('-')
}

/** The canonical form of what someone typed, or undefined when it cannot be a code. */
export function normalizePairingCode (input: string): string | undefined {
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1')
  if (code.length !== CODE_LENGTH) return undefined
  for (const char of code) if (!CODE_ALPHABET.includes(char)) return undefined
  return code
}

/**
 * Remembers the (vault, nonce) pairs of recent requests so each signed
 * request is answered once. Entries older than the allowed clock skew are
 * dropped: a request that old is refused by its timestamp anyway.
 */
export class NonceCache {
  private readonly seen = new Map<string, number>()

  constructor (private readonly ttlMs: number, private readonly maxEntries = 100_000) {}

  /** True when the nonce is fresh (and remembers it); false for a replay. */
  accept (vault: string, nonce: string, now = Date.now()): boolean {
    const key = `${vault}/${nonce}`
    const expires = this.seen.get(key)
    if (expires !== undefined && expires > now) return false
    if (this.seen.size >= this.maxEntries) this.prune(now)
    // Still full of live entries: forget the oldest (insertion order). Its
    // request is refused by timestamp once it ages past the skew window.
    if (this.seen.size >= this.maxEntries) {
      const oldest = this.seen.keys().next().value
      if (oldest !== undefined) this.seen.delete(oldest)
    }
    this.seen.set(key, now + 2 * this.ttlMs)
    return true
  }

  private prune (now: number): void {
    for (const [key, expires] of this.seen) if (expires <= now) this.seen.delete(key)
  }
}
