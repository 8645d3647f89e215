import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { DeviceInfo, DeviceOffer, PairingEvent, RpcClient } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'
import { realTimers, type IntervalTimers } from '../lib/live-refresh.ts'
import { pairingErrorWords, pairingFailureWords } from './pairing-words.ts'

/** How often the countdown moves (once a second is what "mm:ss" shows). */
export const COUNTDOWN_TICK_MS = 1000

export interface AddDeviceInit {
  client: RpcClient
  timers?: IntervalTimers
  /** Milliseconds clock the countdown runs on (Date.now in the page). */
  now?: () => number
  /** A device was added: the list refreshes. */
  onPaired?: (device: DeviceInfo) => void
}

/**
 * - `offering`: asking the node for an offer.
 * - `offer`: showing QR code, link and code, counting down.
 * - `compare`: the other device reached us; both screens show the safety number.
 * - `confirming`: the user's answer is on its way to the node.
 * - `paired`, `failed`: the end (failed says why in `error`).
 */
export type AddDeviceStage = 'closed' | 'offering' | 'offer' | 'compare' | 'confirming' | 'paired' | 'failed'

/** "Add a device" on device A: a one-time offer, the safety number to compare, and the outcome. */
export interface AddDeviceModel {
  stage: ReadonlySignal<AddDeviceStage>
  offer: ReadonlySignal<DeviceOffer | undefined>
  /** Milliseconds until the offer expires (0 once it has). */
  remaining: ReadonlySignal<number>
  /** The offer ran out before any device used it. */
  expired: ReadonlySignal<boolean>
  safetyNumber: ReadonlySignal<string | undefined>
  otherDevice: ReadonlySignal<string | undefined>
  paired: ReadonlySignal<DeviceInfo | undefined>
  error: ReadonlySignal<string | undefined>
  /** Listens for `devices.pairing`; returns the unsubscribe. */
  start: () => () => void
  /** Opens the dialog with a fresh offer. */
  open: () => Promise<void>
  /** "New offer" after one expired or failed: drops the old one first. */
  renew: () => Promise<void>
  /** "The numbers match" (true) or "They don't match" (false). */
  answer: (accept: boolean) => Promise<void>
  /** Closes the dialog; an offer still open is withdrawn. */
  close: () => void
}

export function createAddDeviceModel (init: AddDeviceInit): AddDeviceModel {
  const { client } = init
  const clock = init.now ?? (() => Date.now())
  const timers = init.timers ?? realTimers
  const stage = signal<AddDeviceStage>('closed')
  const offer = signal<DeviceOffer | undefined>(undefined)
  const now = signal(clock())
  const safetyNumber = signal<string | undefined>(undefined)
  const otherDevice = signal<string | undefined>(undefined)
  const paired = signal<DeviceInfo | undefined>(undefined)
  const error = signal<string | undefined>(undefined)
  const remaining = computed(() => Math.max(0, (offer.value?.expiresAt ?? 0) - now.value))
  // Only an offer nobody has reached yet expires on screen; once a device is comparing numbers the node decides.
  const expired = computed(() => stage.value === 'offer' && offer.value !== undefined && remaining.value === 0)
  // Bumped on close/renew: an offer that arrives for a dialog already closed is withdrawn, not shown.
  let generation = 0
  let ticker: unknown

  const stopTicking = (): void => {
    if (ticker !== undefined) timers.clearInterval(ticker)
    ticker = undefined
  }
  const startTicking = (): void => {
    stopTicking()
    now.value = clock()
    ticker = timers.setInterval(() => {
      now.value = clock()
      if (stage.peek() !== 'offer' || remaining.peek() === 0) stopTicking()
    }, COUNTDOWN_TICK_MS)
  }
  const withdraw = (current: DeviceOffer | undefined): void => {
    // Best effort: an offer the node already dropped (used, expired) needs no withdrawing.
    if (current !== undefined) client.call('devices.cancelOffer', { offerId: current.offerId }).catch(() => {})
  }
  const fresh = async (): Promise<void> => {
    const asked = ++generation
    stage.value = 'offering'
    offer.value = undefined
    safetyNumber.value = undefined
    otherDevice.value = undefined
    paired.value = undefined
    error.value = undefined
    try {
      const made = await client.call('devices.offer', undefined)
      if (asked !== generation) { withdraw(made); return }
      offer.value = made
      stage.value = 'offer'
      startTicking()
    } catch (err) {
      if (asked !== generation) return
      error.value = errorMessage(err)
      stage.value = 'failed'
    }
  }
  const onEvent = (event: PairingEvent): void => {
    // On A a pairing is named by its offer's id (api-devices.ts).
    if (stage.peek() === 'closed' || event.id !== offer.peek()?.offerId) return
    switch (event.stage) {
      case 'compare':
        safetyNumber.value = event.safetyNumber
        otherDevice.value = event.otherDevice
        stage.value = 'compare'
        stopTicking()
        break
      case 'paired':
        paired.value = event.device
        stage.value = 'paired'
        stopTicking()
        init.onPaired?.(event.device)
        break
      case 'failed':
        error.value = pairingFailureWords(event.error.code, 'offer')
        stage.value = 'failed'
        stopTicking()
        break
      case 'received':
        // B's stage; never sent to A.
        break
    }
  }

  return {
    stage,
    offer,
    remaining,
    expired,
    safetyNumber,
    otherDevice,
    paired,
    error,
    start: () => client.on('devices.pairing', onEvent),
    open: fresh,
    renew: async () => {
      withdraw(offer.peek())
      await fresh()
    },
    answer: async (accept) => {
      const current = offer.peek()
      if (stage.peek() !== 'compare' || current === undefined) return
      stage.value = 'confirming'
      try {
        await client.call('devices.confirm', { id: current.offerId, accept })
        // Accepting waits for `paired`; declining ends here, whatever the node says next.
        if (!accept && stage.peek() === 'confirming') {
          error.value = pairingFailureWords('PAIRING_DECLINED', 'offer')
          stage.value = 'failed'
        }
      } catch (err) {
        if (stage.peek() !== 'confirming') return
        error.value = pairingErrorWords(err, 'offer')
        stage.value = 'failed'
      }
    },
    close: () => {
      generation++
      stopTicking()
      if (stage.peek() !== 'paired') withdraw(offer.peek())
      stage.value = 'closed'
      offer.value = undefined
      safetyNumber.value = undefined
      otherDevice.value = undefined
      paired.value = undefined
      error.value = undefined
    }
  }
}
