/**
 * What a person pastes or types to join a device, made into what
 * `devices.join` takes: a link (or a QR code's content) or the short code.
 * Forgiving: a code may come with spaces, dashes of any kind, dots or no
 * separators at all ("4821 0937 5512", "4821–0937–5512", "482109375512");
 * a link may come wrapped over lines by a chat app.
 */

/** Dashes people and keyboards produce: hyphen-minus, hyphen, non-breaking hyphen, figure, en and em dash, minus. */
const SEPARATORS = /[\s\-‐‑‒–—−_.·]+/g
const CODE_GROUP = 4

/** The text as `devices.join` should get it; '' when there is nothing to send. */
export function normaliseOffer (text: string): string {
  const trimmed = text.trim()
  if (trimmed === '') return ''
  if (looksLikeLink(trimmed)) return trimmed.replace(/\s+/g, '')
  const digits = trimmed.replace(SEPARATORS, '')
  if (/^\d+$/.test(digits)) return groupDigits(digits)
  return trimmed
}

/** True for a link or QR content ("https://…/#/join?offer=…", or the fragment alone). */
export function looksLikeLink (text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /#\/join\?/.test(text) || /[?&]offer=/.test(text)
}

/** "482109375512" → "4821-0937-5512". */
export function groupDigits (digits: string): string {
  return digits.match(new RegExp(`.{1,${CODE_GROUP}}`, 'g'))?.join('-') ?? digits
}

/** The prefix of a join link's fragment. */
export const JOIN_HASH_PREFIX = '#/join'

/** The offer a `#/join?offer=…` hash carries (undefined for anything else, or when it carries none). */
export function offerInHash (hash: string): string | undefined {
  if (hash !== JOIN_HASH_PREFIX && !hash.startsWith(`${JOIN_HASH_PREFIX}?`) && !hash.startsWith(`${JOIN_HASH_PREFIX}/`)) return undefined
  const query = hash.indexOf('?')
  if (query === -1) return undefined
  const offer = new URLSearchParams(hash.slice(query + 1)).get('offer')?.trim() ?? ''
  return offer === '' ? undefined : offer
}

/** True when the hash is the join screen (with or without an offer). */
export function isJoinHash (hash: string): boolean {
  return hash === JOIN_HASH_PREFIX || hash.startsWith(`${JOIN_HASH_PREFIX}?`) || hash === `${JOIN_HASH_PREFIX}/`
}
