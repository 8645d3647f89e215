import type { ErrorPayload } from '../errors.ts'

/**
 * Devices (DESIGN §3 "Devices", §5): pairing a second device, the devices
 * list, where a file lives, keeping files on this device, conflicts.
 * Part of the node's API contract: see api.ts, which re-exports it.
 * Everything here must survive structured clone.
 */

/** One device of the vault, as the Devices page lists it. */
export interface DeviceInfo {
  /** The device's libp2p PeerId: its id in index ops. */
  peerId: string
  /** Editable; defaults to platform and browser, e.g. "Chrome on Linux". */
  name: string
  /** e.g. "Linux", "Android", "macOS". */
  platform: string
  /** ms since epoch the device joined the vault. */
  addedAt: number
  /** ms since epoch this device last heard from it; undefined when never (or for this device). */
  lastSeen?: number
  /** Short digest of the PeerId for people to compare, e.g. "3F9A 71C2". */
  fingerprint: string
  thisDevice: boolean
  /** Connected right now. */
  online: boolean
}

/** "Add a device" on device A: a one-time offer to show as QR code, link and short code. */
export interface DeviceOffer {
  offerId: string
  /** `<origin>/#/join?offer=…`; also the QR code's content. */
  link: string
  /**
   * To type on the other device, e.g. `4821-0937-5512`; '' when no relay's
   * rendezvous took it (no relay reachable): then hide the code and offer the
   * QR code and link alone, which pair without it.
   */
  code: string
  /** ms since epoch; the UI counts down to it. */
  expiresAt: number
}

/**
 * Where a pairing stands, on either side (`devices.pairing` event).
 * - `compare`: both screens show `safetyNumber`; on A the user confirms or declines.
 * - `received` (B only): A confirmed and the vault key arrived; B now chooses its passphrase.
 * - `paired` (A only): B has the key and is listed among the devices.
 * - `failed`: `error.code` says why (PAIRING_OFFER_EXPIRED, PAIRING_OFFER_USED, …).
 * On A, `id` is the offer's `offerId` (what `devices.confirm` takes); on B, the `id` of `JoinStarted`.
 */
export type PairingEvent =
  | { id: string, stage: 'compare', safetyNumber: string, otherDevice: string }
  | { id: string, stage: 'received' }
  | { id: string, stage: 'paired', device: DeviceInfo }
  | { id: string, stage: 'failed', error: ErrorPayload }

/** B's side once the offer reached A: the number to compare. `id` names the join in later calls and events. */
export interface JoinStarted {
  id: string
  safetyNumber: string
  /**
   * A's device name, to say "Confirm on Laptop"; '' on B, which learns A's
   * name only with the vault key (say "on your other device"). A's `compare`
   * event always names B.
   */
  otherDevice: string
}

export type { FileLocation, FreedSpace } from '../vault/vault-views.ts'
