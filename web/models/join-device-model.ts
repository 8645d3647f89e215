import { computed, effect, signal, type ReadonlySignal } from '@preact/signals'
import type { PairingEvent, RpcClient, VaultState, VaultStatus } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'
import type { HashLocation } from '../lib/hash-location.ts'
import { isJoinHash, JOIN_HASH_PREFIX, normaliseOffer, offerInHash } from '../lib/offer-input.ts'
import { createNewPassphraseForm, type NewPassphraseForm } from './new-passphrase-form.ts'
import { pairingErrorWords, pairingFailureWords } from './pairing-words.ts'

export interface JoinDeviceInit {
  client: RpcClient
  location: HashLocation
  /** Rewrites the hash without a history entry (history.replaceState in the page); defaults to `location.set`. */
  replaceHash?: (hash: string) => void
  /** The page's origin, to rebuild a link from `#/join?offer=…` (window.location.origin). */
  origin?: string
  /** A join link opened in a browser that already has a vault is refused. */
  vaultState: ReadonlySignal<VaultState | undefined>
  /** Called with the node's status once the vault is open here (the app shows the files). */
  onJoined: (status: VaultStatus) => void
  checkDelayMs?: number
}

/**
 * - `enter`: paste the link or type the code (or scan).
 * - `joining`: reaching the other device.
 * - `compare`: both screens show the safety number; the user confirms on the other device.
 * - `received`: the vault key arrived; choose this device's passphrase.
 * - `finishing`: opening the vault here.
 * - `failed`: `error` says why; "Try again" goes back to `enter`.
 */
export type JoinStage = 'enter' | 'joining' | 'compare' | 'received' | 'finishing' | 'failed'

/** "Join my vault from another device" on device B, from the welcome screen or a `#/join?offer=…` link. */
export interface JoinDeviceModel {
  /** The join screen is showing instead of "Create your vault". */
  showing: ReadonlySignal<boolean>
  stage: ReadonlySignal<JoinStage>
  /** The link or code as typed, pasted or scanned. */
  input: ReadonlySignal<string>
  /** The camera is open, looking for the QR code. */
  scanning: ReadonlySignal<boolean>
  scanError: ReadonlySignal<string | undefined>
  safetyNumber: ReadonlySignal<string | undefined>
  /** The other device's name ("Confirm on Laptop"). */
  otherDevice: ReadonlySignal<string | undefined>
  form: NewPassphraseForm
  error: ReadonlySignal<string | undefined>
  /** A join link arrived in a browser that already has a vault. */
  refusedLink: ReadonlySignal<boolean>
  /** From the join call until the vault is open: the app stays on this screen. */
  inProgress: ReadonlySignal<boolean>
  canJoin: ReadonlySignal<boolean>
  /** Takes join links out of the address bar and listens for `devices.pairing`; returns the stop. */
  start: () => () => void
  show: () => void
  setInput: (value: string) => void
  join: () => Promise<void>
  startScan: () => void
  stopScan: () => void
  /** The camera read a QR code: its text becomes the input and joining starts. */
  scanned: (text: string) => void
  /** The camera could not be used (words for the person). */
  scanFailed: (words: string) => void
  finish: () => Promise<void>
  /** "Try again" after a failure: back to the input, kept as it was. */
  retry: () => void
  /** Leaves the join screen; a pairing under way is called off. */
  cancel: () => void
  dismissRefusedLink: () => void
}

export function createJoinDeviceModel (init: JoinDeviceInit): JoinDeviceModel {
  const { client, location } = init
  const replaceHash = init.replaceHash ?? location.set
  const showing = signal(false)
  const stage = signal<JoinStage>('enter')
  const input = signal('')
  const scanning = signal(false)
  const scanError = signal<string | undefined>(undefined)
  const safetyNumber = signal<string | undefined>(undefined)
  const otherDevice = signal<string | undefined>(undefined)
  const form = createNewPassphraseForm(client, init.checkDelayMs)
  const error = signal<string | undefined>(undefined)
  const refusedLink = signal(false)
  const pendingLink = signal<string | undefined>(undefined)
  let joinId: string | undefined
  // Events that arrive before `devices.join` has told us our id; replayed once it has.
  let early: PairingEvent[] = []
  // Bumped by cancel(): a join that resolves for a screen already left is called off.
  let generation = 0

  const fail = (words: string): void => {
    error.value = words
    stage.value = 'failed'
    joinId = undefined
    early = []
  }
  const apply = (event: PairingEvent): void => {
    if (event.id !== joinId) return
    const now = stage.peek()
    if (event.stage === 'compare' && now === 'compare') {
      safetyNumber.value = event.safetyNumber
      otherDevice.value = event.otherDevice
    } else if (event.stage === 'received' && now === 'compare') {
      stage.value = 'received'
    } else if (event.stage === 'failed' && (now === 'compare' || now === 'received')) {
      form.clear()
      fail(pairingFailureWords(event.error.code, 'join'))
    }
  }
  const onEvent = (event: PairingEvent): void => {
    if (stage.peek() === 'joining' && joinId === undefined) {
      if (early.length < 16) early.push(event)
      return
    }
    apply(event)
  }
  const resetFlow = (): void => {
    stage.value = 'enter'
    scanning.value = false
    scanError.value = undefined
    safetyNumber.value = undefined
    otherDevice.value = undefined
    error.value = undefined
    joinId = undefined
    early = []
    form.clear()
  }
  const join = async (): Promise<void> => {
    const offer = normaliseOffer(input.peek())
    if (offer === '' || (stage.peek() !== 'enter' && stage.peek() !== 'failed')) return
    const asked = ++generation
    scanning.value = false
    error.value = undefined
    stage.value = 'joining'
    try {
      const started = await client.call('devices.join', { offer })
      if (asked !== generation) {
        client.call('devices.cancelJoin', { id: started.id }).catch(() => {})
        return
      }
      joinId = started.id
      safetyNumber.value = started.safetyNumber
      otherDevice.value = started.otherDevice
      stage.value = 'compare'
      const waiting = early
      early = []
      for (const event of waiting) apply(event)
    } catch (err) {
      if (asked !== generation) return
      fail(pairingErrorWords(err, 'join'))
    }
  }
  const takeLink = (): void => {
    const hash = location.get()
    if (!isJoinHash(hash)) return
    const offer = offerInHash(hash)
    // The offer carries a one-time secret: out of the address bar (and history) at once.
    if (offer !== undefined) replaceHash(JOIN_HASH_PREFIX)
    pendingLink.value = offer === undefined ? '' : `${init.origin ?? ''}/${JOIN_HASH_PREFIX}?${new URLSearchParams({ offer }).toString()}`
  }

  return {
    showing,
    stage,
    input,
    scanning,
    scanError,
    safetyNumber,
    otherDevice,
    form,
    error,
    refusedLink,
    inProgress: computed(() => showing.value && stage.value !== 'enter' && stage.value !== 'failed'),
    canJoin: computed(() => normaliseOffer(input.value) !== '' && (stage.value === 'enter' || stage.value === 'failed')),
    start: () => {
      takeLink()
      const stops = [
        client.on('devices.pairing', onEvent),
        location.listen(takeLink),
        effect(() => {
          const link = pendingLink.value
          const state = init.vaultState.value
          if (link === undefined || state === undefined) return
          pendingLink.value = undefined
          if (state !== 'none') {
            refusedLink.value = true
            return
          }
          if (stage.peek() !== 'enter' && stage.peek() !== 'failed') return
          resetFlow()
          showing.value = true
          if (link !== '') input.value = link
        })
      ]
      return () => { for (const stop of stops) stop() }
    },
    show: () => {
      resetFlow()
      input.value = ''
      showing.value = true
    },
    setInput: (value) => {
      input.value = value
      if (stage.peek() === 'failed') resetFlow()
    },
    join,
    startScan: () => {
      scanError.value = undefined
      error.value = undefined
      if (stage.peek() === 'failed') resetFlow()
      scanning.value = true
    },
    stopScan: () => { scanning.value = false },
    scanned: (text) => {
      if (!scanning.peek()) return
      scanning.value = false
      input.value = text
      void join()
    },
    scanFailed: (words) => {
      scanning.value = false
      scanError.value = words
    },
    finish: async () => {
      const id = joinId
      if (id === undefined || stage.peek() !== 'received' || !form.ready.peek()) return
      stage.value = 'finishing'
      error.value = undefined
      try {
        const status = await client.call('devices.finishJoin', { id, newPassphrase: form.passphrase.peek() })
        resetFlow()
        input.value = ''
        showing.value = false
        init.onJoined(status)
      } catch (err) {
        // The key is still here: the user can pick another passphrase and finish.
        error.value = errorMessage(err)
        stage.value = 'received'
      }
    },
    retry: resetFlow,
    cancel: () => {
      if (stage.peek() === 'finishing') return
      generation++
      if (joinId !== undefined) client.call('devices.cancelJoin', { id: joinId }).catch(() => {})
      resetFlow()
      input.value = ''
      showing.value = false
      if (isJoinHash(location.get())) replaceHash('#/')
    },
    dismissRefusedLink: () => { refusedLink.value = false }
  }
}
