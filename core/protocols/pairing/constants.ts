/** Device pairing (DESIGN §3 "Devices"): protocol ids, sizes and defaults. */

/** The key exchange between the offering device (A) and the joining device (B). */
export const PAIR_PROTOCOL = '/cairn/pair/1'
/** The short-code rendezvous a relay may mount (see offer-directory.ts). */
export const RENDEZVOUS_PROTOCOL = '/cairn/rendezvous/1'

/** Version of the offer encoding (link, QR payload, sealed short-code offer). */
export const OFFER_VERSION = 1
/** Version of the messages on PAIR_PROTOCOL. */
export const PAIR_WIRE_VERSION = 1

/** An offer pairs for 10 minutes unless told otherwise (issue 10). */
export const DEFAULT_OFFER_TTL_MS = 10 * 60_000
/** Offer id: 16 random bytes. */
export const OFFER_ID_BYTES = 16
/** Pairing secret of a link or QR offer: 256 bits (≥128 asked for; the link is long anyway). */
export const PAIRING_SECRET_BYTES = 32
/** Wrong-secret hellos an offer survives; the next one cancels it. */
export const DEFAULT_MAX_WRONG_SECRETS = 5
/** Multiaddrs an offer may carry, and the length of each. */
export const MAX_OFFER_ADDRESSES = 16
export const MAX_ADDRESS_LENGTH = 512
/** Longest encoded offer accepted (link payload, base64url characters). */
export const MAX_OFFER_TEXT_LENGTH = 8192

/** Largest pairing message (the sealed vault key plus its details). */
export const MAX_PAIR_MESSAGE_BYTES = 64 * 1024
/**
 * Largest details object A may send alongside the vault key (JSON bytes).
 * Sealed (+ key, nonce, tag) and base64url'd (4/3) it must still fit one
 * MAX_PAIR_MESSAGE_BYTES message: 46 KiB becomes ~61.5 KiB.
 */
export const MAX_GIFT_DETAILS_BYTES = 46 * 1024
/** A device name as B announces it. */
export const MAX_DEVICE_NAME_LENGTH = 64

/** Time for one message of the exchange (hello, reply, the final acknowledgement). */
export const DEFAULT_MESSAGE_TIMEOUT_MS = 30_000
/** Time A's user has to compare safety numbers and confirm. */
export const DEFAULT_CONFIRM_TIMEOUT_MS = 5 * 60_000

/** The vault key travels as exactly this many bytes. */
export const VAULT_KEY_BYTES = 32
