import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { fromBase64Url, toBase64Url } from '../../crypto/base64.ts'
import { PairingOfferExpiredError, PairingOfferInvalidError, PairingOfferVersionError } from '../../errors.ts'
import * as C from './constants.ts'

/**
 * A one-time pairing offer, made on device A (DESIGN §3 "Devices").
 *
 * Encoded form (version 1): UTF-8 JSON with exactly these keys, then
 * base64url without padding (RFC 4648 §5):
 *
 *     { "v": 1, "id": b64u(16 bytes), "peer": A's PeerId,
 *       "addrs": [multiaddr ending in /p2p/<peer>, …], "secret": b64u(32 bytes),
 *       "exp": expiry, ms since the epoch }
 *
 * The link is `ORIGIN/#/join?offer=<encoded>`; the QR code carries the same
 * link. Everything is in the fragment, which browsers never send to a server.
 * Decoding is strict: any other shape is PAIRING_OFFER_INVALID, another `v`
 * PAIRING_OFFER_VERSION.
 */
export interface PairingOffer {
  version: typeof C.OFFER_VERSION
  /** 16 random bytes naming the offer on A. */
  id: Uint8Array
  /** A's PeerId; B checks that Noise authenticated this peer. */
  peer: string
  /** A's addresses (relay circuit addresses included), each ending in `/p2p/<peer>`. */
  addresses: string[]
  /** The pairing secret; wiped (zeroed) by A once the offer is consumed. */
  secret: Uint8Array
  /** Ms since the epoch after which A refuses the offer. */
  expiresAt: number
}

export interface CreateOfferInit {
  /** A's PeerId. */
  peer: string
  /** A's multiaddrs; those without `/p2p/<peer>` get it appended. */
  addresses: string[]
  /** The clock (ms since the epoch). */
  now: () => number
  /** Lifetime (default 10 minutes). */
  ttlMs?: number
}

const JOIN_PREFIX = '#/join?'
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** A fresh offer with a random id and secret. */
export function createOffer (init: CreateOfferInit): PairingOffer {
  const peer = checkPeer(init.peer)
  const addresses: string[] = []
  for (const address of init.addresses) {
    const full = withPeer(address, peer)
    if (full !== undefined && full.length <= C.MAX_ADDRESS_LENGTH && !addresses.includes(full)) addresses.push(full)
    if (addresses.length === C.MAX_OFFER_ADDRESSES) break
  }
  if (addresses.length === 0) throw new PairingOfferInvalidError('this device has no address another device could reach')
  return {
    version: C.OFFER_VERSION,
    id: globalThis.crypto.getRandomValues(new Uint8Array(C.OFFER_ID_BYTES)),
    peer,
    addresses,
    secret: globalThis.crypto.getRandomValues(new Uint8Array(C.PAIRING_SECRET_BYTES)),
    expiresAt: init.now() + (init.ttlMs ?? C.DEFAULT_OFFER_TTL_MS)
  }
}

/** The offer as base64url text (the link's `offer` parameter). */
export function encodeOffer (offer: PairingOffer): string {
  return toBase64Url(offerBytes(offer))
}

/** The offer as UTF-8 JSON bytes (what a short code seals). */
export function offerBytes (offer: PairingOffer): Uint8Array {
  return encoder.encode(JSON.stringify({
    v: offer.version,
    id: toBase64Url(offer.id),
    peer: offer.peer,
    addrs: offer.addresses,
    secret: toBase64Url(offer.secret),
    exp: offer.expiresAt
  }))
}

/** Decodes `encodeOffer` text; strict. */
export function decodeOffer (text: string): PairingOffer {
  if (typeof text !== 'string' || text.length === 0 || text.length > C.MAX_OFFER_TEXT_LENGTH) throw new PairingOfferInvalidError('the offer is empty or too long')
  const bytes = fromBase64Url(text)
  if (bytes === undefined) throw new PairingOfferInvalidError('the offer is not base64url')
  return parseOfferBytes(bytes)
}

/** Decodes `offerBytes`; strict. */
export function parseOfferBytes (bytes: Uint8Array): PairingOffer {
  let value: unknown
  try {
    value = JSON.parse(decoder.decode(bytes))
  } catch (err) {
    throw new PairingOfferInvalidError('the offer is not UTF-8 JSON', { cause: err })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PairingOfferInvalidError('the offer is not an object')
  const o = value as Record<string, unknown>
  // The version first: a newer offer may have other fields.
  if (o.v !== C.OFFER_VERSION) {
    if (typeof o.v === 'number') throw new PairingOfferVersionError(`the pairing offer has version ${o.v}, this Cairn knows ${C.OFFER_VERSION}`)
    throw new PairingOfferInvalidError('the offer has no version')
  }
  const keys = Object.keys(o).sort().join(',')
  if (keys !== 'addrs,exp,id,peer,secret,v') throw new PairingOfferInvalidError('the offer has other fields than version 1 allows')
  const id = typeof o.id === 'string' ? fromBase64Url(o.id) : undefined
  if (id?.length !== C.OFFER_ID_BYTES) throw new PairingOfferInvalidError('the offer id is malformed')
  const secret = typeof o.secret === 'string' ? fromBase64Url(o.secret) : undefined
  if (secret?.length !== C.PAIRING_SECRET_BYTES) throw new PairingOfferInvalidError('the offer secret is malformed')
  if (typeof o.exp !== 'number' || !Number.isSafeInteger(o.exp) || o.exp <= 0) throw new PairingOfferInvalidError('the offer expiry is malformed')
  if (typeof o.peer !== 'string') throw new PairingOfferInvalidError('the offer has no peer')
  const peer = checkPeer(o.peer)
  const addrs = o.addrs
  if (!Array.isArray(addrs) || addrs.length === 0 || addrs.length > C.MAX_OFFER_ADDRESSES) throw new PairingOfferInvalidError('the offer has no addresses, or too many')
  const addresses: string[] = []
  for (const address of addrs) {
    // Each address must name A itself, so dialling it makes Noise authenticate A.
    if (typeof address !== 'string' || address.length > C.MAX_ADDRESS_LENGTH || withPeer(address, peer) !== address) {
      throw new PairingOfferInvalidError('an offer address is malformed or names another peer')
    }
    addresses.push(address)
  }
  return { version: C.OFFER_VERSION, id, peer, addresses, secret, expiresAt: o.exp }
}

/** `ORIGIN/#/join?offer=…`; also the QR code's payload. */
export function offerLink (offer: PairingOffer, origin: string): string {
  return `${origin.replace(/\/+$/, '')}/${JOIN_PREFIX}offer=${encodeOffer(offer)}`
}

export interface DecodeLinkOptions {
  /** When given, a link from any other origin is refused as foreign. */
  origin?: string
}

/** Decodes a join link (pasted or scanned); strict. */
export function decodeOfferLink (link: string, options: DecodeLinkOptions = {}): PairingOffer {
  let url: URL
  try {
    url = new URL(link.trim())
  } catch (err) {
    throw new PairingOfferInvalidError('the link is not a URL', { cause: err })
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PairingOfferInvalidError('the link is not a web link')
  if (options.origin !== undefined && url.origin !== new URL(options.origin).origin) throw new PairingOfferInvalidError('the link is for another Cairn')
  if (!url.hash.startsWith(JOIN_PREFIX) || (url.pathname !== '/' && url.pathname !== '')) throw new PairingOfferInvalidError('the link is not a Cairn join link')
  const params = new URLSearchParams(url.hash.slice(JOIN_PREFIX.length))
  const names = [...params.keys()]
  const text = params.get('offer')
  if (names.length !== 1 || text === null) throw new PairingOfferInvalidError('the join link has no offer, or more than one')
  return decodeOffer(text)
}

/** Throws PAIRING_OFFER_EXPIRED when `now` is at or past the offer's expiry. */
export function checkOfferFresh (offer: Pick<PairingOffer, 'expiresAt'>, now: number): void {
  if (now >= offer.expiresAt) throw new PairingOfferExpiredError()
}

function checkPeer (peer: string): string {
  try {
    return peerIdFromString(peer).toString()
  } catch (err) {
    throw new PairingOfferInvalidError('the offer names no valid peer', { cause: err })
  }
}

/** `address` ending in `/p2p/<peer>` (appended when it names no peer), or undefined when it names another peer or is no multiaddr. */
function withPeer (address: string, peer: string): string | undefined {
  try {
    const ma = multiaddr(address)
    // Only the last component names the peer: `/p2p/RELAY/p2p-circuit` still needs `/p2p/<peer>`.
    const last = ma.getComponents().at(-1)
    if (last?.name !== 'p2p') return ma.encapsulate(`/p2p/${peer}`).toString()
    return last.value === peer && ma.toString() === address ? address : undefined
  } catch {
    return undefined
  }
}
