import { MAX_SEGMENT_BYTES } from './constants.ts'
import { splitExtension } from './paths.ts'

/**
 * Names for files that lost a path conflict (DESIGN §4): the later of two
 * files at one path is shown as `name (conflict, DEVICE, DATE).ext`.
 */

const encoder = new TextEncoder()
const LABEL_UNSAFE = /[^A-Za-z0-9 _.-]/g
const MAX_LABEL_LENGTH = 32

/**
 * The default short label of a device: the last six characters of its id.
 * (Libp2p Ed25519 PeerIds all start "12D3KooW", so the tail is what differs.)
 */
export function shortDeviceLabel (deviceId: string): string {
  return deviceId.slice(-6)
}

/** Keeps a label safe inside a file name: no '/', no control characters, short. */
export function sanitizeLabel (label: string): string {
  const clean = label.replace(LABEL_UNSAFE, '_').slice(0, MAX_LABEL_LENGTH)
  return clean === '' ? '_' : clean
}

/** YYYY-MM-DD (UTC) of a wall-clock time in ms. */
export function utcDate (wall: number): string {
  return new Date(wall).toISOString().slice(0, 10)
}

/**
 * `dir/name.ext` → `dir/name (conflict, LABEL, DATE).ext`, or with `, N`
 * after the date when `attempt` > 1 (that name was taken too). The name part
 * is shortened, by whole code points, so the last segment stays within
 * MAX_SEGMENT_BYTES and the result is itself a valid path.
 */
export function conflictName (path: string, label: string, wall: number, attempt = 1): string {
  const [base, ext] = splitExtension(path)
  const suffix = ` (conflict, ${sanitizeLabel(label)}, ${utcDate(wall)}${attempt > 1 ? `, ${attempt}` : ''})${ext}`
  const slash = base.lastIndexOf('/')
  const folder = base.slice(0, slash + 1)
  const name = Array.from(base.slice(slash + 1))
  const budget = MAX_SEGMENT_BYTES - encoder.encode(suffix).length
  while (name.length > 1 && encoder.encode(name.join('')).length > budget) name.pop()
  return folder + name.join('') + suffix
}
