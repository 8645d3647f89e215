import { FILE_CONTENT_SECURITY_POLICY } from './file-response-headers.ts'
import { STREAMED_BY_CAIRN_HEADER } from './file-stream-protocol.ts'

/**
 * HTTP range requests (RFC 9110 §14) of a file streamed at `/download/…`, by
 * the service worker in a browser and by the daemon in the desktop app: a
 * media element seeks with them, a browser resumes a download with them.
 * One range at a time; a request for several, or a header that does not
 * parse, gets the whole file (§14.2 lets a server ignore Range).
 * Typed without the WebWorker lib so the unit tests can run it in Node.
 */

/** What to answer: the whole file (200), a part of it (206), or nothing of it (416). */
export type RangeChoice =
  | { kind: 'whole' }
  | { kind: 'part', offset: number, length: number }
  | { kind: 'unsatisfiable' }

const WHOLE: RangeChoice = { kind: 'whole' }
const UNSATISFIABLE: RangeChoice = { kind: 'unsatisfiable' }

/** Set on a whole answer of a file that can be read in parts. */
export const ACCEPT_RANGES = { 'Accept-Ranges': 'bytes' } as const

/**
 * The ETag of a file's content: its CID (of the ciphertext, which names the
 * content and nothing else), quoted. A browser resuming a download sends it
 * back in If-Range, and gets the rest only if the file still has that content.
 */
export function contentTag (cid: string): string {
  return `"${cid}"`
}

/** A strong entity-tag (RFC 9110 §8.8.3): a header may carry it as it is. */
export function isStrongTag (tag: unknown): tag is string {
  return typeof tag === 'string' && /^"[\x21\x23-\x7e]*"$/.test(tag)
}

/**
 * The answer to a request's `Range` (and `If-Range`) for a file of `size`
 * bytes whose ETag is `etag`. An If-Range that is not exactly that strong
 * ETag (another content, a weak tag, a date: the files have no
 * Last-Modified) gets the whole file, never a part of what may be another
 * content (§13.1.5).
 */
export function chooseRange (range: string | null | undefined, ifRange: string | null | undefined, size: number, etag?: string): RangeChoice {
  if (range === null || range === undefined) return WHOLE
  if (ifRange !== null && ifRange !== undefined && (etag === undefined || ifRange.trim() !== etag)) return WHOLE
  // The unit is case-insensitive (§14.1); one range-spec, no list.
  const spec = /^bytes=([^,]*)$/i.exec(range.trim())?.[1]?.trim()
  if (spec === undefined) return WHOLE
  const suffix = /^-(\d+)$/.exec(spec)
  if (suffix !== null) {
    const wanted = Number(suffix[1])
    // §14.1.1: a suffix of 0 bytes, or any suffix of an empty file, is unsatisfiable.
    if (wanted === 0 || size === 0) return UNSATISFIABLE
    const length = Math.min(wanted, size)
    return { kind: 'part', offset: size - length, length }
  }
  const bounded = /^(\d+)-(\d*)$/.exec(spec)
  if (bounded === null) return WHOLE
  const first = Number(bounded[1])
  const last = bounded[2] === '' ? undefined : Number(bounded[2])
  // An invalid range-spec (last before first) makes the header invalid, not unsatisfiable.
  if (last !== undefined && last < first) return WHOLE
  if (first >= size) return UNSATISFIABLE
  const end = Math.min(last ?? size - 1, size - 1)
  return { kind: 'part', offset: first, length: end - first + 1 }
}

/** The headers that make a whole file's headers those of a 206 with the part `range`. */
export function partHeaders (range: { offset: number, length: number }, size: number): Record<string, string> {
  return {
    ...ACCEPT_RANGES,
    'Content-Range': `bytes ${range.offset}-${range.offset + range.length - 1}/${size}`,
    'Content-Length': String(range.length)
  }
}

/** Headers of a 416 (no body): the file's size, so the client can ask again within it. */
export function unsatisfiableHeaders (size: number): Record<string, string> {
  return {
    ...ACCEPT_RANGES,
    'Content-Range': `bytes */${size}`,
    'Content-Length': '0',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': FILE_CONTENT_SECURITY_POLICY,
    [STREAMED_BY_CAIRN_HEADER]: 'error'
  }
}
