import { systemClock } from '../../clock.ts'
import { toBase64Url } from '../../crypto/base64.ts'
import { CairnError, PairingMessageTamperedError, isCairnError } from '../../errors.ts'
import { openGift, type PairingGift } from './gift.ts'
import { checkOfferFresh, type PairingOffer } from './offer.ts'
import { helloMessage, isRefusal, parseOk, refusal, streamChannel, type PairChannel } from './pair-messages.ts'
import * as T from './transcript.ts'
import * as C from './constants.ts'
import type { PairingDialer, PairingLog } from './ports.ts'

export interface JoinComponents {
  dialer: PairingDialer
  /** This device's PeerId (B). */
  peerId: string
  log: PairingLog
  /** Ms since the epoch; tests inject one. */
  now?: () => number
}

export interface JoinInit {
  /** This device's name as A's user will see it (at most 64 characters). */
  deviceName: string
  /** Called once the keys are exchanged: show it, and tell the user to confirm on the other device. */
  onSafetyNumber: (safetyNumber: string) => void
  signal?: AbortSignal
  /** Time for A's reply (default 30 s). */
  messageTimeoutMs?: number
  /** Time A's user has to confirm (default 5 minutes, plus the message time). */
  confirmTimeoutMs?: number
}

/** What B gets: create B's key record for `vaultKey` under B's own passphrase, then wipe it. */
export interface JoinResult extends PairingGift {
  /** A's PeerId. */
  peer: string
  safetyNumber: string
}

/**
 * Device B's side of `/cairn/pair/1`: dials A at the offer's addresses and
 * runs the exchange. The offer's secret is zeroed when this returns or throws.
 */
export async function joinWithOffer (components: JoinComponents, offer: PairingOffer, init: JoinInit): Promise<JoinResult> {
  try {
    checkOfferFresh(offer, (components.now ?? systemClock)())
    const signal = init.signal ?? new AbortController().signal
    const timeoutMs = init.messageTimeoutMs ?? C.DEFAULT_MESSAGE_TIMEOUT_MS
    let opened
    try {
      opened = await components.dialer.open(offer.addresses, C.PAIR_PROTOCOL, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) })
    } catch (err) {
      if (isCairnError(err)) throw err
      throw new CairnError(signal.aborted ? 'ABORTED' : 'PEER_UNREACHABLE', 'could not reach the device that made the offer', { cause: err })
    }
    const { stream, remotePeer } = opened
    if (remotePeer !== offer.peer) {
      stream.abort(new Error('wrong peer'))
      throw new CairnError('PEER_UNREACHABLE', 'another peer answered at the offer\'s address')
    }
    try {
      const result = await joinOverChannel(streamChannel(stream), components.peerId, offer, init)
      await stream.close({ signal: AbortSignal.timeout(timeoutMs) }).catch(() => {})
      return result
    } catch (err) {
      stream.abort(err as Error)
      throw err
    }
  } finally {
    offer.secret.fill(0)
  }
}

/** The exchange itself over any channel (tests run it over memory). */
export async function joinOverChannel (channel: PairChannel, ownPeer: string, offer: PairingOffer, init: JoinInit): Promise<JoinResult> {
  const signal = init.signal ?? new AbortController().signal
  const messageTimeoutMs = init.messageTimeoutMs ?? C.DEFAULT_MESSAGE_TIMEOUT_MS
  const confirmTimeoutMs = init.confirmTimeoutMs ?? C.DEFAULT_CONFIRM_TIMEOUT_MS
  const within = (ms: number): AbortSignal => AbortSignal.any([signal, AbortSignal.timeout(ms)])
  const joinerName = init.deviceName.slice(0, C.MAX_DEVICE_NAME_LENGTH)

  const eph = T.newEphemeralKey()
  const t: T.Transcript = { offerId: offer.id, offerer: offer.peer, joiner: ownPeer, joinerName, joinerKey: eph.publicKey }
  const macKey = T.deriveMacKey(offer.secret, offer.id)
  let shared: Uint8Array | undefined
  let keys: T.SessionKeys | undefined
  try {
    await channel.write(helloMessage({ offerId: offer.id, name: joinerName, key: eph.publicKey, mac: T.helloMac(macKey, t) }), within(messageTimeoutMs))
    const reply = parseOk(await channel.read(within(messageTimeoutMs)), { key: 32, mac: 32 })
    t.offererKey = reply.key
    if (!T.macMatches(T.replyMac(macKey, t), reply.mac as Uint8Array)) throw new PairingMessageTamperedError('the reply MAC did not match')
    shared = T.sharedSecret(eph.secretKey, reply.key as Uint8Array)
    const th = T.transcriptHash(t)
    keys = T.deriveSessionKeys(shared, offer.secret, th)
    const safetyNumber = T.safetyNumber(th)
    init.onSafetyNumber(safetyNumber)
    const sealed = parseOk(await channel.read(within(confirmTimeoutMs + messageTimeoutMs)), { sealed: 0 })
    const gift = openGift(keys.sealKey, th, sealed.sealed as Uint8Array)
    await channel.write({ ok: true, mac: toBase64Url(T.confirmMac(keys.confirmKey, th)) }, within(messageTimeoutMs))
    return { ...gift, peer: offer.peer, safetyNumber }
  } catch (err) {
    // A refusal or tampering is the error; anything else is a lost connection.
    if (isCairnError(err)) {
      // Tell A what B found (tampering), so A's screen says it too.
      if (!isRefusal(err)) await channel.write(refusal(err), within(messageTimeoutMs)).catch(() => {})
      throw err
    }
    throw new CairnError(signal.aborted ? 'ABORTED' : 'PEER_UNREACHABLE', 'the connection to the other device was lost', { cause: err })
  } finally {
    T.wipe(eph.secretKey, macKey, shared, keys?.sealKey, keys?.confirmKey)
  }
}
