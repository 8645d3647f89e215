import { CairnError, FormatInvalidError, InvalidArgumentError } from '../errors.ts'
import { DEVICE_ID_PATTERN, MAX_CLOCK_AHEAD_MS, MAX_HLC_COUNTER, MAX_HLC_WALL, MAX_PLAUSIBLE_HLC_COUNTER } from './constants.ts'

/**
 * A hybrid logical clock timestamp (Kulkarni et al., "Logical Physical Clocks",
 * 2014): wall-clock milliseconds, a counter that orders events within one
 * millisecond or while the wall clock lags, and the device that made it, so
 * any two timestamps are totally ordered.
 */
export interface Hlc {
  /** Milliseconds since the Unix epoch (the largest wall time this device has seen). */
  wall: number
  counter: number
  device: string
}

const WALL_DIGITS = 12 // 48 bits in hex
const COUNTER_DIGITS = 8 // 32 bits in hex
const PREFIX_LENGTH = WALL_DIGITS + COUNTER_DIGITS + 1

/** The clock of a device that has seen nothing yet. */
export function zeroHlc (device: string): Hlc {
  return { wall: 0, counter: 0, device }
}

function checkNow (now: number): number {
  if (!Number.isFinite(now) || now < 0 || now > MAX_HLC_WALL) throw new InvalidArgumentError('clock reading is out of range')
  return Math.floor(now)
}

function bump (counter: number): number {
  if (counter >= MAX_HLC_COUNTER) throw new CairnError('INTERNAL', 'hybrid logical clock counter overflow')
  return counter + 1
}

/**
 * The timestamp of a new local event: strictly after `prev`, close to `now`.
 * A counter at its limit moves the wall time on by 1 ms instead, so a clock
 * dragged to the top of the counter's range by a merged op still ticks.
 */
export function tick (prev: Hlc, now: number): Hlc {
  const wall = Math.max(prev.wall, checkNow(now))
  if (wall !== prev.wall) return { wall, counter: 0, device: prev.device }
  if (prev.counter < MAX_HLC_COUNTER) return { wall, counter: prev.counter + 1, device: prev.device }
  if (wall >= MAX_HLC_WALL) throw new CairnError('INTERNAL', 'hybrid logical clock is at the end of its range')
  return { wall: wall + 1, counter: 0, device: prev.device }
}

/**
 * True when another device's op at `hlc` may move this device's clock:
 * dated at most MAX_CLOCK_AHEAD_MS after `now`, with a counter no device
 * reaches by ticking (constants.ts says why).
 */
export function isPlausibleHlc (hlc: Hlc, now: number): boolean {
  return hlc.wall <= now + MAX_CLOCK_AHEAD_MS && hlc.counter <= MAX_PLAUSIBLE_HLC_COUNTER
}

/**
 * The local clock after seeing `remote`: strictly after both `local` and
 * `remote`, so a local edit made after seeing a remote one wins over it.
 * (A device whose clock runs far ahead drags the others along; bounding that
 * drift belongs to the sync protocol, which can refuse such ops.)
 */
export function receive (local: Hlc, remote: Hlc, now: number): Hlc {
  const wall = Math.max(local.wall, remote.wall, checkNow(now))
  let counter = 0
  if (wall === local.wall && wall === remote.wall) counter = bump(Math.max(local.counter, remote.counter))
  else if (wall === local.wall) counter = bump(local.counter)
  else if (wall === remote.wall) counter = bump(remote.counter)
  return { wall, counter, device: local.device }
}

/** Total order: wall time, then counter, then device id (by UTF-16 code units). */
export function compareHlc (a: Hlc, b: Hlc): -1 | 0 | 1 {
  if (a.wall !== b.wall) return a.wall < b.wall ? -1 : 1
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1
  if (a.device !== b.device) return a.device < b.device ? -1 : 1
  return 0
}

/** The later of two timestamps. */
export function maxHlc (a: Hlc, b: Hlc): Hlc {
  return compareHlc(a, b) >= 0 ? a : b
}

/** True when `value` is a well-formed timestamp. */
export function isHlc (value: unknown): value is Hlc {
  if (typeof value !== 'object' || value === null) return false
  const h = value as Record<string, unknown>
  return Number.isSafeInteger(h.wall) && (h.wall as number) >= 0 && (h.wall as number) <= MAX_HLC_WALL &&
    Number.isSafeInteger(h.counter) && (h.counter as number) >= 0 && (h.counter as number) <= MAX_HLC_COUNTER &&
    typeof h.device === 'string' && DEVICE_ID_PATTERN.test(h.device)
}

/**
 * Compact string form `WWWWWWWWWWWWCCCCCCCC:device` (fixed-width lowercase hex
 * wall time and counter). Fixed widths make plain string comparison agree with
 * `compareHlc`, so encoded timestamps can be used as sorted keys.
 */
export function encodeHlc (hlc: Hlc): string {
  if (!isHlc(hlc)) throw new InvalidArgumentError('not a valid hybrid logical clock timestamp')
  return hlc.wall.toString(16).padStart(WALL_DIGITS, '0') + hlc.counter.toString(16).padStart(COUNTER_DIGITS, '0') + ':' + hlc.device
}

const ENCODED_PATTERN = /^[0-9a-f]{12}[0-9a-f]{8}:/

/** Parses `encodeHlc` output; anything else throws FORMAT_INVALID. */
export function decodeHlc (text: string): Hlc {
  if (typeof text !== 'string' || !ENCODED_PATTERN.test(text)) throw new FormatInvalidError('not an encoded hybrid logical clock timestamp')
  const hlc = {
    wall: Number.parseInt(text.slice(0, WALL_DIGITS), 16),
    counter: Number.parseInt(text.slice(WALL_DIGITS, WALL_DIGITS + COUNTER_DIGITS), 16),
    device: text.slice(PREFIX_LENGTH)
  }
  if (!isHlc(hlc)) throw new FormatInvalidError('encoded timestamp is out of range')
  return hlc
}
