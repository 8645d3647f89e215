import type { PassphraseCheck } from '../rpc/api.ts'
import { COMMON_PASSWORDS, KEYBOARD_ROWS } from './passphrase-wordlists.ts'

/**
 * A deliberately simple passphrase check: it refuses the patterns attackers
 * try first (short, common, keyboard walks, repeats, digits only) and makes a
 * rough estimate of the rest from the character kinds used. It is not a real
 * guess-count model; it errs towards accepting long multi-word passphrases,
 * which is what the onboarding text asks for.
 */

export const MIN_PASSPHRASE_LENGTH = 10
/** Below this estimate a passphrase is refused. */
const MIN_ACCEPTABLE_BITS = 45

const LEET: Record<string, string> = { 0: 'o', 1: 'i', 3: 'e', 4: 'a', 5: 's', 7: 't', '@': 'a', $: 's', '!': 'i' }

/** Lower case with common letter-for-digit swaps undone ("P@ssw0rd" → "password"). */
function unleet (text: string): string {
  return [...text.toLowerCase()].map(c => LEET[c] ?? c).join('')
}

/** The passphrase without the digits and symbols people tack on at either end. */
function core (text: string): string {
  return text.replace(/^[\d\W_]+|[\d\W_]+$/gu, '')
}

function isCommon (passphrase: string): boolean {
  const lower = passphrase.toLowerCase()
  const candidates = [lower, core(lower), unleet(core(lower)), core(unleet(lower)), lower.replace(/\s+/gu, '')]
  return candidates.some(c => c.length > 0 && COMMON_PASSWORDS.has(c))
}

/** True when the text is a run along a keyboard row or the alphabet, either way, possibly repeated. */
function isWalk (passphrase: string): boolean {
  const text = core(passphrase.toLowerCase()).replace(/\s+/gu, '') || passphrase.toLowerCase()
  if (text.length < 4) return false
  const rows = [...KEYBOARD_ROWS, 'abcdefghijklmnopqrstuvwxyz', '0123456789']
  const runs = rows.flatMap(r => [r, [...r].reverse().join('')])
  // Split into maximal pieces that each lie on one run; a walk is one or two such pieces.
  return runs.some(r => r.includes(text)) || runs.some(r => {
    for (let cut = 4; cut <= text.length - 4; cut++) {
      if (r.includes(text.slice(0, cut)) && runs.some(s => s.includes(text.slice(cut)))) return true
    }
    return false
  })
}

/** One character or one piece over and over ("aaaa", "abcabc", "hunter2hunter2"): no stronger than the piece. */
function isRepeat (passphrase: string): boolean {
  return /^(.+?)\1+$/su.test(passphrase) || /^(.+?)\1+$/su.test(passphrase.replace(/\s+/gu, ''))
}

/** Size of the alphabet the characters are drawn from, judged by the kinds present. */
function poolSize (passphrase: string): number {
  let pool = 0
  if (/[a-z]/u.test(passphrase)) pool += 26
  if (/[A-Z]/u.test(passphrase)) pool += 26
  if (/\d/u.test(passphrase)) pool += 10
  if (/\s/u.test(passphrase)) pool += 1
  if (/[!-/:-@[-`{-~]/u.test(passphrase)) pool += 33
  if (/[^\x00-\x7f]/u.test(passphrase)) pool += 100
  return Math.max(pool, 10)
}

/**
 * Rough entropy in bits: log2(pool) per character, except that a repeated
 * word adds nothing, and neither does a character that repeats the one before
 * or the one two before ("aa", "abab") or continues a +1/−1 run ("abc", "987").
 */
export function estimateBits (passphrase: string): number {
  const seen = new Set<string>()
  // Each distinct word once: "kitty kitty kitty" is as strong as "kitty".
  const words = passphrase.split(/(\s+)/u).filter(w => {
    if (/^\s*$/u.test(w)) return true
    const fresh = !seen.has(w.toLowerCase())
    seen.add(w.toLowerCase())
    return fresh
  })
  const chars = [...words.join('')]
  const perChar = Math.log2(poolSize(passphrase))
  const code = (i: number): number | undefined => chars[i]?.codePointAt(0)
  let bits = 0
  for (let i = 0; i < chars.length; i++) {
    const c = code(i) ?? 0
    const prev = code(i - 1)
    const prev2 = code(i - 2)
    const step = prev === undefined ? undefined : c - prev
    const prevStep = prev === undefined || prev2 === undefined ? undefined : prev - prev2
    const predictable = step === 0 || c === prev2 || (step !== undefined && Math.abs(step) === 1 && step === prevStep)
    if (!predictable) bits += perChar
  }
  return bits
}

function scoreOf (bits: number): PassphraseCheck['score'] {
  if (bits < 30) return 0
  if (bits < MIN_ACCEPTABLE_BITS) return 1
  if (bits < 60) return 2
  if (bits < 80) return 3
  return 4
}

/** Judges a passphrase for a new vault; `acceptable` false means vault.create would refuse it. */
export function checkPassphrase (passphrase: string): PassphraseCheck {
  const reasons: string[] = []
  const length = [...passphrase].length
  if (length < MIN_PASSPHRASE_LENGTH) reasons.push(`It is shorter than ${MIN_PASSPHRASE_LENGTH} characters.`)
  if (passphrase.trim().length === 0) {
    return { score: 0, acceptable: false, reasons: reasons.length > 0 ? reasons : ['It is empty.'] }
  }
  let patterned = true
  if (isCommon(passphrase)) reasons.push('It is one of the most common passwords.')
  else if (/^\d+$/u.test(passphrase)) reasons.push('It is only digits.')
  else if (isRepeat(passphrase)) reasons.push('It is the same characters repeated.')
  else if (isWalk(passphrase)) reasons.push('It is a run of neighbouring keys or letters.')
  else patterned = false
  const bits = estimateBits(passphrase)
  if (!patterned && length >= MIN_PASSPHRASE_LENGTH && bits < MIN_ACCEPTABLE_BITS) {
    reasons.push('It is too easy to guess: add more words or characters.')
  }
  const score = patterned ? 0 : scoreOf(length < MIN_PASSPHRASE_LENGTH ? Math.min(bits, MIN_ACCEPTABLE_BITS - 1) : bits)
  return { score, acceptable: reasons.length === 0, reasons }
}
