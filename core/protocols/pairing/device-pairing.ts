/**
 * Device pairing (issue 10; DESIGN §3 "Devices"): the entry point for the node
 * worker and the UI. Nothing here imports core/node or core/vault; the host
 * passes a libp2p node (it fits `PairingRegistrar` and, through
 * `libp2pDialer`, `PairingDialer`), a log and a clock.
 *
 * On device A (the vault's device):
 *
 *     const host = new PairingHost({ registrar: libp2p, peerId, addresses: () => libp2p.getMultiaddrs().map(String), log })
 *     await host.start()                                    // mounts /cairn/pair/1
 *     const hosted = host.createOffer({
 *       confirm: async ({ safetyNumber, deviceName, peer, signal }) => askTheUser(…),   // true sends the key
 *       gift: () => ({ vaultKey, details: { vaultId, deviceName, backupPeers } })
 *     })
 *     hosted.link(location.origin)   // the link, and the QR payload; countdown to hosted.offer.expiresAt
 *     formatShortCode(await publishOfferCode(rendezvousDirectory(libp2pDialer(libp2p), relayAddrs), hosted.offer))   // optional
 *     await hosted.done              // PairedDevice, or rejects with why the offer ended
 *
 * On device B (joining):
 *
 *     const offer = await readJoinInput(textOrScannedLink, { now: Date.now, directory })   // link, QR payload or code
 *     const { vaultKey, details, safetyNumber } = await joinWithOffer(
 *       { dialer: libp2pDialer(libp2p), peerId, log }, offer,
 *       { deviceName: 'Firefox on Android', onSafetyNumber: show })
 *     // wrap vaultKey under B's own passphrase, then vaultKey.fill(0)
 *
 * Failures are classes in core/errors.ts with their own codes: PAIRING_OFFER_INVALID,
 * PAIRING_OFFER_VERSION, PAIRING_CODE_MISTYPED, PAIRING_CODE_UNKNOWN,
 * PAIRING_OFFER_EXPIRED, PAIRING_OFFER_USED, PAIRING_OFFER_LOCKED,
 * PAIRING_SECRET_WRONG, PAIRING_MESSAGE_TAMPERED, PAIRING_DECLINED, PAIRING_CANCELLED, and
 * PEER_UNREACHABLE / ABORTED. The exchange itself: pairing-host.ts, pairing-join.ts,
 * transcript.ts (key schedule and safety number), gift.ts.
 */
import { checkOfferFresh, decodeOfferLink, type PairingOffer } from './offer.ts'
import { resolveOfferCode, type OfferDirectory } from './offer-directory.ts'
import { looksLikeShortCode } from './short-code.ts'
import { PairingCodeUnknownError } from '../../errors.ts'

export { PAIR_PROTOCOL, RENDEZVOUS_PROTOCOL, DEFAULT_OFFER_TTL_MS } from './constants.ts'
export { createOffer, decodeOffer, decodeOfferLink, encodeOffer, offerLink, checkOfferFresh, type PairingOffer } from './offer.ts'
export { formatShortCode, parseShortCode, looksLikeShortCode, type ShortCode } from './short-code.ts'
export { publishOfferCode, resolveOfferCode, type OfferDirectory, type OfferSource } from './offer-directory.ts'
export { MemoryOfferDirectory, type MemoryOfferDirectoryInit } from './memory-offer-directory.ts'
export { RendezvousService, rendezvousDirectory } from './rendezvous.ts'
export { PairingHost, type HostedOffer, type OfferInit, type PairedDevice, type PairingHostComponents, type PairingHostInit, type PairingRequest } from './pairing-host.ts'
export { joinWithOffer, type JoinComponents, type JoinInit, type JoinResult } from './pairing-join.ts'
export { libp2pDialer } from './libp2p-dialer.ts'
export { pairingError } from './pairing-errors.ts'
export type { PairingGift } from './gift.ts'
export type { PairingDialer, PairingLog, PairingRegistrar } from './ports.ts'

export interface ReadJoinInputOptions {
  /** The clock: an expired offer is refused here, before any dial. */
  now: () => number
  /** Where typed codes are looked up; without one a code is PAIRING_CODE_UNKNOWN. */
  directory?: OfferDirectory
  /** When given, links from another origin are refused. */
  origin?: string
}

/** What B's user pasted, typed or scanned, as a fresh offer. */
export async function readJoinInput (input: string, options: ReadJoinInputOptions): Promise<PairingOffer> {
  let offer: PairingOffer
  if (looksLikeShortCode(input)) {
    if (options.directory === undefined) throw new PairingCodeUnknownError('no rendezvous to look the code up at')
    offer = await resolveOfferCode(options.directory, input)
  } else {
    offer = decodeOfferLink(input, options.origin !== undefined ? { origin: options.origin } : {})
  }
  checkOfferFresh(offer, options.now())
  return offer
}
