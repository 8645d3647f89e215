import { toBase64Url } from '../crypto/base64.ts'
import { CairnError, PairingCancelledError, VaultLockedError, toErrorPayload } from '../errors.ts'
import { formatShortCode, libp2pDialer, publishOfferCode, rendezvousDirectory, type HostedOffer, type PairingHost, type PairingRequest } from '../protocols/pairing/device-pairing.ts'
import type { Log } from '../log.ts'
import type { DeviceOffer, PairingEvent } from '../rpc/api.ts'
import type { Libp2p } from '@libp2p/interface'

/** What A puts beside the vault key in the pairing gift (B reads it in device-joins.ts). */
export interface JoinDetails {
  /** A's device name. */
  deviceName: string
  /** The vault's device book (DeviceRecord[]), A's own record included. */
  devices: unknown[]
  /** The vault's backup peers, as a restore's sealed peer list names them. */
  backupPeers: Array<{ peerId: string, address: string }>
  /** A's relays, so B can reach A (and the peers) the same way. */
  relays: string[]
}

export interface DeviceOffersComponents {
  host: PairingHost
  libp2p: Pick<Libp2p, 'dial'>
  /** The relays whose rendezvous publishes short codes (tried in order). */
  relays: () => string[]
  /** The app's origin, for the link. */
  origin: string
  /** True while the vault is open (offers are made only then). */
  unlocked: () => boolean
  /** A copy of the vault key, for the gift (wiped here after sealing); VAULT_LOCKED when locked. */
  exportVaultKey: () => Uint8Array
  /** The rest of the gift, read once A's user confirmed. */
  details: () => Promise<JoinDetails>
  /** True when the device (PeerId) was removed from the vault: it is refused before A's user is asked, and never sent the key. */
  isRemoved: (peerId: string) => boolean
  /** B has the key: list it, tell sync. Returns the device as the UI shows it. */
  onJoined: (device: { peerId: string, name: string }) => Promise<PairingEvent & { stage: 'paired' }>
  emit: (event: PairingEvent) => void
  log: Log
  /** How long publishing a short code may take before the offer goes out without one. */
  rendezvousTimeoutMs?: number
  /**
   * Resolves once this node has an address another device can reach (a
   * browser's is a relay reservation, made a moment after the relay is
   * set); false when it has none in time.
   */
  reachable: () => Promise<boolean>
}

/**
 * Device A's side of "Add a device": offers, the user's confirmation, the
 * gift, and the outcome as `devices.pairing` events (id = the offer id).
 */
export class DeviceOffers {
  private readonly offers = new Map<string, HostedOffer>()
  /** The open questions on A's screen: an answer, or the error that ends the exchange (a cancel). */
  private readonly confirms = new Map<string, (answer: boolean | CairnError) => void>()

  constructor (private readonly c: DeviceOffersComponents) {}

  async offer (): Promise<DeviceOffer> {
    if (!this.c.unlocked()) throw new VaultLockedError()
    if (!await this.c.reachable()) throw new CairnError('PEER_UNREACHABLE', 'This device has no address another device could reach: it needs a relay (Settings → Relays)')
    if (!this.c.unlocked()) throw new VaultLockedError()
    let giftKey: Uint8Array | undefined
    const hosted = this.c.host.createOffer({
      confirm: async (request) => await this.ask(request),
      gift: async () => {
        const details = await this.c.details()
        giftKey = this.c.exportVaultKey()
        return { vaultKey: giftKey, details: { ...details } }
      }
    })
    // The host names offers by the base64url of their id (PairingRequest.offerId); so do events and calls.
    const offerId = toBase64Url(hosted.offer.id)
    this.offers.set(offerId, hosted)
    hosted.done.then(
      async (device) => {
        this.c.log.info(`pairing: device …${device.peer.slice(-8)} joined the vault`)
        this.c.emit({ ...await this.c.onJoined({ peerId: device.peer, name: device.deviceName }), id: offerId })
      },
      (err: unknown) => { this.c.emit({ id: offerId, stage: 'failed', error: toErrorPayload(err) }) }
    ).catch((err: unknown) => { this.c.emit({ id: offerId, stage: 'failed', error: toErrorPayload(err) }) })
      .finally(() => { giftKey?.fill(0); this.offers.delete(offerId); this.confirms.delete(offerId) })
    return { offerId, link: hosted.link(this.c.origin), code: await this.publishCode(hosted), expiresAt: hosted.offer.expiresAt }
  }

  /**
   * Withdraws an offer; unknown ids are ignored. A device comparing numbers
   * hears PAIRING_CANCELLED (not "declined": nobody said they differ), one
   * that comes later PAIRING_DECLINED.
   */
  cancel (offerId: string): void {
    this.confirms.get(offerId)?.(new PairingCancelledError('the device that made the offer cancelled it'))
    this.offers.get(offerId)?.cancel()
  }

  /** A's user compared the safety numbers. */
  confirm (offerId: string, accept: boolean): void {
    const answer = this.confirms.get(offerId)
    if (answer === undefined) throw new CairnError('PAIRING_OFFER_INVALID', 'No device is waiting for this confirmation')
    answer(accept)
  }

  /** The vault locked: every open offer ends. */
  cancelAll (): void {
    for (const id of [...this.offers.keys()]) this.cancel(id)
  }

  private async ask (request: PairingRequest): Promise<boolean> {
    // A removed device stays removed (DESIGN §3): the device book would refuse it after the key had
    // already gone, so it is refused here, before anyone compares numbers. The host tells B the code.
    if (this.c.isRemoved(request.peer)) throw new CairnError('DEVICE_REVOKED', 'That device was removed from this vault, so it cannot join it again')
    return await new Promise<boolean>((resolve, reject) => {
      this.confirms.set(request.offerId, (answer) => {
        this.confirms.delete(request.offerId)
        if (typeof answer === 'boolean') resolve(answer); else reject(answer)
      })
      request.signal.addEventListener('abort', () => { this.confirms.delete(request.offerId) }, { once: true })
      this.c.emit({ id: request.offerId, stage: 'compare', safetyNumber: request.safetyNumber, otherDevice: request.deviceName })
    })
  }

  /** The short code from the first relay whose rendezvous takes it; '' when none does (the link and QR code still pair). */
  private async publishCode (hosted: HostedOffer): Promise<string> {
    const dialer = libp2pDialer(this.c.libp2p)
    for (const relay of this.c.relays()) {
      try {
        const directory = rendezvousDirectory(dialer, [relay], this.c.rendezvousTimeoutMs ?? 5_000)
        return formatShortCode(await publishOfferCode(directory, hosted.offer))
      } catch (err) {
        this.c.log.warn(`pairing: the relay's rendezvous did not take the short code (${toErrorPayload(err).code})`)
      }
    }
    return ''
  }
}

