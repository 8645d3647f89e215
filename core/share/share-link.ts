/**
 * Share links, format version 1 (issue 4; DESIGN §3–4).
 *
 * How sharing works:
 * - A share is a NEW encrypted copy of the file under a fresh random file key,
 *   the share key (see make-share.ts). The vault's own copy and its key never
 *   leave the device, and "Stop sharing" can unpin and delete the share's
 *   blocks without touching the vault's copy: under a different key and a
 *   fresh nonce prefix no block of the two copies is ever the same.
 * - The link is `ORIGIN/#/s/<payload>`. Everything secret is in the fragment,
 *   which browsers never send in a request.
 *
 * Payload (bytes, then base64url without padding, RFC 4648 §5):
 *
 *     0x01                      version
 *     CID                       binary CIDv1 of the share's UnixFS root (self-delimiting)
 *     share key (32)            the share copy's file key FK
 *     sealed metadata           secretbox: 0x01 ‖ nonce(24) ‖ ciphertext ‖ tag(16)
 *
 * The metadata is XChaCha20-Poly1305 (core/crypto/secretbox.ts, random nonce)
 * under HKDF-SHA256(share key, info `cairn/v1/share-meta`), with associated
 * data `cairn/v1/share-link` ‖ version ‖ CID. Its plaintext:
 *
 *     varint size ‖ varint len ‖ name (UTF-8) ‖ varint len ‖ MIME type (UTF-8)
 *     ‖ varint hint count ‖ (varint len ‖ binary multiaddr)*
 *
 * The name is never readable from the link without the whole of it, and the
 * fetch hints (e.g. the backup peer's relayed address) are inside too, so a
 * truncated link reveals neither. The tag covers every byte of the payload
 * (the version and CID as associated data, the share key through the key
 * derivation), so any damage — cut off, a flipped bit, a wrong key, a wrong
 * version, garbage — fails as SHARE_LINK_DAMAGED, never as wrong output.
 * A random nonce rather than a fixed one because one share key may be put in
 * several links (say, with other hints), and XChaCha20-Poly1305 must never
 * see one nonce twice under one key.
 */
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import { base64UrlToBytes, toBase64Url } from '../crypto/base64.ts'
import { openSecret, sealSecret } from '../crypto/secretbox.ts'
import { AddressInvalidError, CairnError, InvalidArgumentError } from '../errors.ts'
import { ByteReader, ByteWriter } from './share-codec.ts'

export const SHARE_LINK_VERSION = 1
export const SHARE_KEY_LENGTH = 32
/** What comes between the origin and the payload. */
export const SHARE_FRAGMENT_PREFIX = '#/s/'
/** Longest name, MIME type and hint (bytes) and most hints a link may carry. */
export const MAX_NAME_BYTES = 1024
export const MAX_TYPE_BYTES = 255
export const MAX_HINT_BYTES = 256
export const MAX_HINTS = 8

const META_INFO = 'cairn/v1/share-meta'
const AAD_PREFIX = 'cairn/v1/share-link'
const encoder = new TextEncoder()

/** Everything a share link carries. */
export interface ShareLinkFields {
  /** Root of the share's encrypted copy. */
  cid: CID
  /** The share copy's 32-byte file key. */
  shareKey: Uint8Array
  name: string
  /** Plaintext size in bytes. */
  size: number
  /** MIME type ('' when unknown). */
  type: string
  /** Multiaddrs (text form) worth dialling to fetch the blocks; may be empty. */
  hints: string[]
}

export interface CreateShareLinkInit extends ShareLinkFields {
  /** Where the app is served, e.g. `https://cairn.example` (no query, no fragment). */
  origin: string
}

/** Derives the key that seals a link's metadata. */
export function shareMetaKey (shareKey: Uint8Array): Uint8Array {
  return hkdf(sha256, shareKey, undefined, encoder.encode(META_INFO), 32)
}

function metaAad (version: number, cidBytes: Uint8Array): Uint8Array {
  return new ByteWriter().bytes(encoder.encode(AAD_PREFIX)).bytes(Uint8Array.of(version)).bytes(cidBytes).finish()
}

function utf8Field (value: string, max: number, what: string): Uint8Array {
  const bytes = encoder.encode(value)
  if (bytes.length > max) throw new CairnError(what === 'name' ? 'PATH_INVALID' : 'INVALID_ARGUMENT', `the ${what} is longer than ${max} bytes`)
  return bytes
}

function hintBytes (hint: string): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = multiaddr(hint).bytes
  } catch (err) {
    throw new AddressInvalidError(`not a multiaddr: ${hint}`, { cause: err })
  }
  if (bytes.length > MAX_HINT_BYTES) throw new AddressInvalidError(`hint longer than ${MAX_HINT_BYTES} bytes: ${hint}`)
  return bytes
}

/**
 * Encodes the binary payload. `nonce` exists for the test vectors only;
 * links are always made with a random one.
 */
export function encodeSharePayload (fields: ShareLinkFields, options: { nonce?: Uint8Array } = {}): Uint8Array {
  if (fields.shareKey.length !== SHARE_KEY_LENGTH) throw new InvalidArgumentError('a share key is 32 bytes')
  if (fields.cid.version !== 1) throw new InvalidArgumentError('a share link carries a CIDv1')
  if (fields.hints.length > MAX_HINTS) throw new InvalidArgumentError(`at most ${MAX_HINTS} hints`)
  const meta = new ByteWriter()
    .varint(fields.size)
    .lengthPrefixed(utf8Field(fields.name, MAX_NAME_BYTES, 'name'))
    .lengthPrefixed(utf8Field(fields.type, MAX_TYPE_BYTES, 'type'))
    .varint(fields.hints.length)
  for (const hint of fields.hints) meta.lengthPrefixed(hintBytes(hint))
  const cidBytes = fields.cid.bytes
  const sealed = sealSecret(shareMetaKey(fields.shareKey), meta.finish(), metaAad(SHARE_LINK_VERSION, cidBytes), ...(options.nonce !== undefined ? [options.nonce] : []))
  return new ByteWriter().bytes(Uint8Array.of(SHARE_LINK_VERSION)).bytes(cidBytes).bytes(fields.shareKey).bytes(sealed).finish()
}

const damaged = (why: string, cause?: unknown): CairnError =>
  new CairnError('SHARE_LINK_DAMAGED', why, cause !== undefined ? { cause } : undefined)

/** Decodes and authenticates a binary payload; any damage throws SHARE_LINK_DAMAGED. */
export function decodeSharePayload (payload: Uint8Array): ShareLinkFields {
  if (payload.length === 0) throw damaged('the link is empty')
  const version = payload[0] as number
  if (version !== SHARE_LINK_VERSION) throw damaged(`unknown share-link version ${version}`)
  let cid: CID
  let rest: Uint8Array
  try {
    [cid, rest] = CID.decodeFirst(payload.subarray(1))
  } catch (err) {
    throw damaged('the file address is damaged', err)
  }
  if (cid.version !== 1) throw damaged('the file address is damaged')
  const cidBytes = payload.subarray(1, payload.length - rest.length)
  const reader = new ByteReader(rest)
  const shareKey = reader.bytes(SHARE_KEY_LENGTH).slice()
  const plain = openSecret(shareMetaKey(shareKey), reader.rest(), metaAad(version, cidBytes), 'SHARE_LINK_DAMAGED')
  const meta = new ByteReader(plain)
  const size = meta.varint()
  const name = utf8(meta.lengthPrefixed(MAX_NAME_BYTES))
  const type = utf8(meta.lengthPrefixed(MAX_TYPE_BYTES))
  const count = meta.varint()
  if (count > MAX_HINTS) throw damaged('too many hints')
  const hints: string[] = []
  for (let i = 0; i < count; i++) {
    const bytes = meta.lengthPrefixed(MAX_HINT_BYTES)
    try {
      hints.push(multiaddr(bytes.slice()).toString())
    } catch (err) {
      throw damaged('a fetch hint is damaged', err)
    }
  }
  meta.end()
  return { cid, shareKey, name, size, type, hints }
}

function utf8 (bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch (err) {
    throw damaged('a text field is not UTF-8', err)
  }
}

/** Makes the link `ORIGIN/#/s/<payload>`. */
export function createShareLink (init: CreateShareLinkInit, options: { nonce?: Uint8Array } = {}): string {
  let base: URL
  try {
    base = new URL(init.origin)
  } catch (err) {
    throw new InvalidArgumentError(`not a URL: ${init.origin}`, { cause: err })
  }
  if (base.search !== '' || base.hash !== '') throw new InvalidArgumentError('the origin of a share link has no query or fragment')
  const path = base.pathname.endsWith('/') ? base.pathname : base.pathname + '/'
  const { origin: _origin, ...fields } = init
  return base.origin + path + SHARE_FRAGMENT_PREFIX + toBase64Url(encodeSharePayload(fields, options))
}

const PAYLOAD_TEXT = /^[A-Za-z0-9_-]+$/
/** Far above any link this format makes (name, type and 8 hints at their limits); stops pathological input early. */
const MAX_LINK_CHARS = 8192

/**
 * Reads a share link: a whole URL, its fragment (`#/s/…` or `/s/…`) or the
 * bare payload. Anything damaged throws SHARE_LINK_DAMAGED.
 */
export function parseShareLink (urlOrFragment: string): ShareLinkFields {
  if (typeof urlOrFragment !== 'string') throw damaged('not a link')
  if (urlOrFragment.length > MAX_LINK_CHARS) throw damaged('the link is far too long')
  let text = urlOrFragment.trim()
  const hash = text.indexOf('#')
  if (hash >= 0) text = text.slice(hash + 1)
  if (text.startsWith('/s/')) text = text.slice(3)
  if (!PAYLOAD_TEXT.test(text)) throw damaged('the link is not a Cairn share link')
  let payload: Uint8Array
  try {
    // Strict: one spelling per payload, a cut-off or mistyped link is refused.
    payload = base64UrlToBytes(text)
  } catch (err) {
    throw damaged('the link is cut off or mistyped', err)
  }
  return decodeSharePayload(payload)
}
