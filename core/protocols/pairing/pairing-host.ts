import { systemClock } from '../../clock.ts'
import { toBase64Url } from '../../crypto/base64.ts'
import { CairnError, PairingDeclinedError, PairingMessageTamperedError, PairingOfferExpiredError, PairingOfferInvalidError, PairingOfferLockedError, PairingOfferUsedError, PairingSecretWrongError, isCairnError, type ErrorCode } from '../../errors.ts'
import { sealGift, type PairingGift } from './gift.ts'
import { pairingError } from './pairing-errors.ts'
import { createOffer, offerLink, type PairingOffer } from './offer.ts'
import { parseHello, parseOk, refusal, streamChannel, type PairChannel } from './pair-messages.ts'
import * as T from './transcript.ts'
import * as C from './constants.ts'
import type { PairingLog, PairingRegistrar } from './ports.ts'
import type { Stream } from '@libp2p/interface'

export interface PairingHostComponents {
  /** Where `/cairn/pair/1` is mounted (a libp2p node fits). */
  registrar: PairingRegistrar
  /** This device's PeerId (A). */
  peerId: string
  /** This device's current multiaddrs, relay circuit addresses included. */
  addresses: () => string[]
  log: PairingLog
  /** Ms since the epoch; tests inject one. */
  now?: () => number
}

export interface PairingHostInit {
  /** Offer lifetime (default 10 minutes). */
  ttlMs?: number
  /** Wrong-secret hellos an offer survives (default 5). */
  maxWrongSecrets?: number
  /** Time for each message from B (default 30 s). */
  messageTimeoutMs?: number
  /** Time A's user has to confirm (default 5 minutes). */
  confirmTimeoutMs?: number
}

/** What A's user is asked to confirm. */
export interface PairingRequest {
  offerId: string
  /** B's PeerId, as Noise authenticated it. */
  peer: string
  /** B's device name, as B announced it. */
  deviceName: string
  /** Compare with B's screen. */
  safetyNumber: string
  /** Aborted when the exchange ends without an answer (timeout, host stopped). */
  signal: AbortSignal
}

export interface OfferInit {
  /** Shows the request to A's user; resolves true to send the vault key, false to decline. */
  confirm: (request: PairingRequest) => Promise<boolean>
  /** What to send once confirmed (read only then). */
  gift: () => PairingGift | Promise<PairingGift>
  ttlMs?: number
}

/** The device that joined. */
export interface PairedDevice {
  peer: string
  deviceName: string
  safetyNumber: string
}

export interface HostedOffer {
  /** The offer; its `secret` is zeroed once the offer is consumed, expires or is cancelled. */
  offer: PairingOffer
  /** `ORIGIN/#/join?offer=…`, also the QR payload. */
  link: (origin: string) => string
  /** Resolves once B confirmed receipt of the key; rejects (with the failure's class) when the offer ends without a pairing. */
  done: Promise<PairedDevice>
  /** Withdraws the offer (B then hears PAIRING_DECLINED). */
  cancel: () => void
}

interface OfferState {
  offer: PairingOffer
  init: OfferInit
  wrongSecrets: number
  /** Why the offer can no longer be used, once it cannot. */
  ended?: ErrorCode
  resolve: (device: PairedDevice) => void
  reject: (err: Error) => void
}

/** Ended offers remembered (so a replay hears "used", not "unknown"). */
const MAX_ENDED = 256

/**
 * Device A's side of `/cairn/pair/1`: makes offers and answers joining
 * devices. Offers live in memory only (an offer does not survive a reload;
 * B then hears PAIRING_OFFER_INVALID).
 */
export class PairingHost {
  private readonly offers = new Map<string, OfferState>()
  private readonly now: () => number
  private readonly settings: Required<PairingHostInit>
  private readonly controller = new AbortController()
  private started = false

  constructor (private readonly components: PairingHostComponents, init: PairingHostInit = {}) {
    this.now = components.now ?? systemClock
    this.settings = {
      ttlMs: init.ttlMs ?? C.DEFAULT_OFFER_TTL_MS,
      maxWrongSecrets: init.maxWrongSecrets ?? C.DEFAULT_MAX_WRONG_SECRETS,
      messageTimeoutMs: init.messageTimeoutMs ?? C.DEFAULT_MESSAGE_TIMEOUT_MS,
      confirmTimeoutMs: init.confirmTimeoutMs ?? C.DEFAULT_CONFIRM_TIMEOUT_MS
    }
  }

  async start (): Promise<void> {
    if (this.started) return
    await this.components.registrar.handle(C.PAIR_PROTOCOL, (stream, connection) => this.handleStream(stream, connection.remotePeer.toString()), { runOnLimitedConnection: true })
    this.started = true
  }

  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    await this.components.registrar.unhandle(C.PAIR_PROTOCOL)
    this.controller.abort(new CairnError('ABORTED', 'pairing stopped'))
    for (const state of this.offers.values()) this.end(state, 'ABORTED')
  }

  /** Makes an offer for one device. */
  createOffer (init: OfferInit): HostedOffer {
    this.prune()
    const offer = createOffer({ peer: this.components.peerId, addresses: this.components.addresses(), now: this.now, ttlMs: init.ttlMs ?? this.settings.ttlMs })
    let resolve!: (device: PairedDevice) => void
    let reject!: (err: Error) => void
    const done = new Promise<PairedDevice>((res, rej) => { resolve = res; reject = rej })
    done.catch(() => {}) // the caller may never listen; the rejection is still theirs to read
    const state: OfferState = { offer, init, wrongSecrets: 0, resolve, reject }
    this.offers.set(toBase64Url(offer.id), state)
    return { offer, link: (origin) => offerLink(offer, origin), done, cancel: () => { this.end(state, 'PAIRING_DECLINED') } }
  }

  /** Answers one stream; exported for tests over an in-memory channel. */
  async answer (channel: PairChannel, remotePeer: string): Promise<void> {
    let state: OfferState | undefined
    let consumed = false
    try {
      const hello = parseHello(await channel.read(AbortSignal.timeout(this.settings.messageTimeoutMs)))
      state = this.offers.get(toBase64Url(hello.offerId))
      this.checkUsable(state)
      const { offer } = state
      const t: T.Transcript = { offerId: offer.id, offerer: this.components.peerId, joiner: remotePeer, joinerName: hello.name, joinerKey: hello.key }
      const macKey = T.deriveMacKey(offer.secret, offer.id)
      if (!T.macMatches(T.helloMac(macKey, t), hello.mac)) {
        T.wipe(macKey)
        state.wrongSecrets++
        if (state.wrongSecrets >= this.settings.maxWrongSecrets) this.end(state, 'PAIRING_OFFER_LOCKED')
        throw new PairingSecretWrongError()
      }
      // Consumed at the first hello with a valid MAC: single use from here on.
      consumed = true
      state.ended = 'PAIRING_OFFER_USED'
      const eph = T.newEphemeralKey()
      t.offererKey = eph.publicKey
      const shared = T.sharedSecret(eph.secretKey, hello.key)
      const th = T.transcriptHash(t)
      const keys = T.deriveSessionKeys(shared, offer.secret, th)
      const mac = T.replyMac(macKey, t)
      T.wipe(eph.secretKey, shared, macKey, offer.secret)
      // B says nothing between the reply and the gift, so its next message is read from the
      // start: one that comes (a refusal) or a stream that ends while A's user compares means
      // B left, and the question is withdrawn rather than left on A's screen until it times out.
      const reading = new AbortController()
      let readTimer: ReturnType<typeof setTimeout> | undefined
      try {
        await channel.write({ ok: true, key: toBase64Url(eph.publicKey), mac: toBase64Url(mac) }, AbortSignal.timeout(this.settings.messageTimeoutMs))
        const fromB = channel.read(reading.signal)
        fromB.catch(() => {})
        const safetyNumber = T.safetyNumber(th)
        const device = { peer: remotePeer, deviceName: hello.name, safetyNumber }
        this.components.log.info(`pairing: ${remotePeer} (${hello.name}) presented offer ${short(offer)}; waiting for confirmation`)
        if (!await this.askUser(state, device, fromB)) throw new PairingDeclinedError()
        const sealed = sealGift(keys.sealKey, th, await state.init.gift())
        await channel.write({ ok: true, sealed: toBase64Url(sealed) }, AbortSignal.timeout(this.settings.messageTimeoutMs))
        readTimer = setTimeout(() => { reading.abort(new CairnError('PEER_UNREACHABLE', 'the joining device did not confirm receipt in time')) }, this.settings.messageTimeoutMs)
        const done = parseOk(await fromB, { mac: 32 })
        if (!T.macMatches(T.confirmMac(keys.confirmKey, th), done.mac as Uint8Array)) throw new PairingMessageTamperedError('the key confirmation did not match')
        this.components.log.info(`pairing: ${remotePeer} (${hello.name}) joined with offer ${short(offer)}`)
        state.resolve(device)
      } finally {
        clearTimeout(readTimer)
        reading.abort(new CairnError('ABORTED', 'the pairing exchange ended'))
        T.wipe(keys.sealKey, keys.confirmKey)
      }
    } catch (err) {
      // Anything but our own errors is the stream failing: B went away or stalled.
      const failure = isCairnError(err) ? err : new CairnError('PEER_UNREACHABLE', 'the joining device went away', { cause: err })
      this.components.log.warn(`pairing: refused ${remotePeer}: ${failure.code} (${(err as Error).message})`)
      if (consumed && state !== undefined) state.reject(failure)
      await channel.write(refusal(failure), AbortSignal.timeout(this.settings.messageTimeoutMs)).catch(() => {})
    }
  }

  private async handleStream (stream: Stream, remotePeer: string): Promise<void> {
    try {
      await this.answer(streamChannel(stream), remotePeer)
      await stream.close({ signal: AbortSignal.timeout(this.settings.messageTimeoutMs) })
    } catch (err) {
      stream.abort(err as Error)
    }
  }

  /** Throws the reason an offer cannot be used now (expiry checked on the injected clock). */
  private checkUsable (state: OfferState | undefined): asserts state is OfferState {
    if (state === undefined) throw new PairingOfferInvalidError('this device has no such offer (it may have restarted)')
    if (state.ended === undefined && this.now() >= state.offer.expiresAt) this.end(state, 'PAIRING_OFFER_EXPIRED')
    switch (state.ended) {
      case undefined: return
      case 'PAIRING_OFFER_EXPIRED': throw new PairingOfferExpiredError()
      case 'PAIRING_OFFER_USED': throw new PairingOfferUsedError()
      case 'PAIRING_OFFER_LOCKED': throw new PairingOfferLockedError()
      case 'PAIRING_DECLINED': throw new PairingDeclinedError('the offer was withdrawn on the other device')
      default: throw new CairnError(state.ended, 'the offer is no longer open')
    }
  }

  /**
   * A's user's answer, within the confirm timeout. Anything from B meanwhile
   * (`fromB`: a refusal, the stream ending) withdraws the question (the
   * request's signal aborts) and fails the exchange with it.
   */
  private async askUser (state: OfferState, device: PairedDevice, fromB: Promise<unknown>): Promise<boolean> {
    const left = new AbortController()
    const signal = AbortSignal.any([AbortSignal.timeout(this.settings.confirmTimeoutMs), this.controller.signal, left.signal])
    const aborted = new Promise<never>((_resolve, reject) => {
      signal.addEventListener('abort', () => { reject(left.signal.aborted ? left.signal.reason : new CairnError('ABORTED', 'no confirmation in time')) }, { once: true })
    })
    aborted.catch(() => {})
    let answered = false
    fromB.then(
      (message) => {
        // A refusal throws as its own error; an acknowledgement before any gift is out of turn.
        parseOk(message, {})
        throw new PairingMessageTamperedError('the joining device answered before the vault key was sent')
      }
    ).catch((err: unknown) => { if (!answered) left.abort(err) })
    try {
      return await Promise.race([state.init.confirm({ offerId: toBase64Url(state.offer.id), ...device, signal }), aborted])
    } finally {
      answered = true
    }
  }

  /** Ends an open offer: wipes its secret; `done` rejects with the reason. */
  private end (state: OfferState, reason: ErrorCode): void {
    if (state.ended !== undefined) return
    state.ended = reason
    state.offer.secret.fill(0)
    state.reject(pairingError(reason, reason === 'PAIRING_DECLINED' ? 'the offer was withdrawn' : reason === 'ABORTED' ? 'pairing stopped on this device' : undefined))
  }

  /** Expires offers past their time; forgets the oldest ended ones beyond MAX_ENDED. */
  private prune (): void {
    const now = this.now()
    for (const state of this.offers.values()) if (state.ended === undefined && now >= state.offer.expiresAt) this.end(state, 'PAIRING_OFFER_EXPIRED')
    let ended = [...this.offers].filter(([, s]) => s.ended !== undefined).length
    for (const [id, state] of this.offers) {
      if (ended <= MAX_ENDED) break
      if (state.ended !== undefined) { this.offers.delete(id); ended-- }
    }
  }
}

function short (offer: PairingOffer): string {
  return toBase64Url(offer.id).slice(0, 8)
}
