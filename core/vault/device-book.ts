import { openSecret, sealSecret } from '../crypto/secretbox.ts'
import { fromBase64Url, toBase64Url } from '../crypto/base64.ts'
import { verifyBoxKey } from '../crypto/box-key-signature.ts'
import { CairnError } from '../errors.ts'
import { isDeviceId } from '../index/ops.ts'

/** One device of the vault as every device keeps it (DESIGN §3 "Devices"). */
export interface DeviceRecord {
  peerId: string
  name: string
  platform: string
  /** ms since epoch it joined. */
  addedAt: number
  /** ms since epoch of the last change to this record: the later change wins. */
  updatedAt: number
  /** Set once the device is removed; a removal is never undone. */
  removedAt?: number
  /** The device's X25519 box public key (base64url, 32 bytes): a rotated vault key is sealed to it (core/crypto/device-box.ts). */
  boxKey?: string
  /**
   * When the device signed `boxKey` (ms since epoch), and its signature
   * (base64url) by the device's own libp2p key (core/crypto/box-key-signature.ts).
   * A book keeps a box key with a signature that does not verify as none at
   * all; a signed box key always wins over an unsigned one (records from
   * before signing), and of two signed ones the later. Merged apart from the
   * rest of the record: another device's rename must not undo it.
   */
  boxKeyAt?: number
  boxKeySig?: string
}

const AAD = new TextEncoder().encode('cairn/v1/devices')
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })
export const MAX_DEVICE_NAME = 64
/** Devices a vault can ever have, removed ones included (a backup peer bounds a vault's record by it: MAX_VAULT_DEVICES). */
export const MAX_DEVICES = 1000
/**
 * Latest time a record may carry (2^50 ms, past the year 37,000): a change
 * stamped after it stays a safe integer. Without a bound, one record dated
 * Number.MAX_SAFE_INTEGER could never be changed again (its next stamp is
 * not an integer the format takes), so never removed.
 */
export const MAX_RECORD_TIME = 2 ** 50
/** How far ahead of this device's clock another device's record may be dated (a clock in the wrong time zone). */
export const MAX_RECORD_AHEAD_MS = 24 * 60 * 60 * 1000

/**
 * The vault's devices, a last-writer-wins map by peer id whose removals are
 * sticky: merging two books in any order, any number of times, gives the
 * same book, and a removed device stays removed whatever a stale copy says.
 * Sealed under the `devices` subkey when it travels (sync) or is stored.
 */
export class DeviceBook {
  private readonly records = new Map<string, DeviceRecord>()

  constructor (records: Iterable<DeviceRecord> = []) {
    for (const record of records) this.put(record)
  }

  list (): DeviceRecord[] {
    return [...this.records.values()].sort((a, b) => a.addedAt - b.addedAt || (a.peerId < b.peerId ? -1 : 1))
  }

  get (peerId: string): DeviceRecord | undefined {
    return this.records.get(peerId)
  }

  /** True when the device was removed from the vault. */
  isRemoved (peerId: string): boolean {
    return this.records.get(peerId)?.removedAt !== undefined
  }

  /** True when the device is a current member. */
  isMember (peerId: string): boolean {
    const record = this.records.get(peerId)
    return record !== undefined && record.removedAt === undefined
  }

  /** Merges one record; returns true when the book changed. */
  put (given: DeviceRecord): boolean {
    checkRecord(given)
    const record = withCheckedBoxKey(given)
    const mine = this.records.get(record.peerId)
    const next = mine === undefined ? { ...record } : mergeRecords(mine, record)
    if (mine !== undefined && sameRecord(mine, next)) return false
    if (mine === undefined && this.records.size >= MAX_DEVICES) throw new CairnError('FORMAT_INVALID', 'the device list is too long')
    this.records.set(record.peerId, next)
    return true
  }

  /** Merges another book; returns true when this one changed. */
  merge (other: DeviceBook): boolean {
    let changed = false
    for (const record of other.records.values()) changed = this.put(record) || changed
    return changed
  }

  /** The book sealed under the `devices` subkey, base64url, for storage and sync. */
  seal (key: Uint8Array): string {
    return toBase64Url(sealSecret(key, encoder.encode(JSON.stringify(this.list())), AAD))
  }

  /** Opens a sealed book; FORMAT_INVALID when it is damaged, forged or malformed. */
  static open (key: Uint8Array, sealed: string): DeviceBook {
    const bytes = fromBase64Url(sealed)
    if (bytes === undefined) throw new CairnError('FORMAT_INVALID', 'the sealed device list is not base64url')
    let value: unknown
    try {
      value = JSON.parse(decoder.decode(openSecret(key, bytes, AAD, 'FORMAT_INVALID')))
    } catch (err) {
      if (err instanceof CairnError) throw err
      throw new CairnError('FORMAT_INVALID', 'the sealed device list is not JSON', { cause: err })
    }
    if (!Array.isArray(value)) throw new CairnError('FORMAT_INVALID', 'the sealed device list is malformed')
    return new DeviceBook((value as unknown[]).map(undatedPastRange))
  }
}

/**
 * The time of a change made now to `record`: the clock, but after the
 * record's last change, so it wins even when this clock lags; never past
 * MAX_RECORD_TIME (a removal stays whatever its stamp).
 */
export function changeStamp (record: DeviceRecord, now: number): number {
  return Math.min(MAX_RECORD_TIME, Math.max(now, record.updatedAt + 1))
}

/** True when another device's record is dated more than MAX_RECORD_AHEAD_MS after `now` (a clock far off, or a member pinning the record). */
export function isDatedAhead (record: DeviceRecord, now: number): boolean {
  const limit = now + MAX_RECORD_AHEAD_MS
  return record.updatedAt > limit || record.addedAt > limit || (record.removedAt ?? 0) > limit
}

/**
 * Of a record dated ahead, only its removal, dated `now` at the latest and
 * undated otherwise (updatedAt 0), so none of its other fields win.
 */
export function removalOnly (record: DeviceRecord, now: number): DeviceRecord {
  return { ...record, addedAt: Math.min(record.addedAt, now), updatedAt: 0, removedAt: Math.min(record.removedAt ?? now, now) }
}

/**
 * A record written before times were bounded, dated past MAX_RECORD_TIME:
 * read as undated (updatedAt 0), so any dated change to it wins, and every
 * device reads it the same way. Anything else is left for checkRecord.
 */
function undatedPastRange (value: unknown): DeviceRecord {
  const r = value as DeviceRecord
  if (typeof r !== 'object' || r === null) return r
  const times = [r.addedAt, r.updatedAt, r.removedAt ?? 0]
  if (!times.every(Number.isSafeInteger) || times.every(t => t <= MAX_RECORD_TIME)) return r
  const read: DeviceRecord = { ...r, addedAt: Math.min(r.addedAt, MAX_RECORD_TIME), updatedAt: 0 }
  if (r.removedAt !== undefined) read.removedAt = Math.min(r.removedAt, MAX_RECORD_TIME)
  return read
}

/** The later change wins (ties by name, so every device picks the same); a removal always stays. */
function mergeRecords (a: DeviceRecord, b: DeviceRecord): DeviceRecord {
  const later = a.updatedAt !== b.updatedAt ? (a.updatedAt > b.updatedAt ? a : b) : (a.name >= b.name ? a : b)
  const merged: DeviceRecord = { ...later, addedAt: Math.min(a.addedAt, b.addedAt) }
  const removals = [a.removedAt, b.removedAt].filter((at): at is number => at !== undefined)
  if (removals.length > 0) merged.removedAt = Math.min(...removals)
  else delete merged.removedAt
  delete merged.boxKey
  delete merged.boxKeyAt
  delete merged.boxKeySig
  // A copy made before the device published its box key must not erase it.
  const box = laterBoxKey(a, b, later)
  if (box.boxKey !== undefined) merged.boxKey = box.boxKey
  if (box.boxKeyAt !== undefined && box.boxKeySig !== undefined) {
    merged.boxKeyAt = box.boxKeyAt
    merged.boxKeySig = box.boxKeySig
  }
  return merged
}

/**
 * Whose box key the merge keeps: a signed one over an unsigned one, whatever
 * the record times say (any member can date a record; only the device can
 * sign its key); of two signed ones the later signing (ties by signature, so
 * every device picks the same); of two unsigned ones the later record's.
 */
function laterBoxKey (a: DeviceRecord, b: DeviceRecord, later: DeviceRecord): DeviceRecord {
  const aSigned = a.boxKeySig !== undefined
  const bSigned = b.boxKeySig !== undefined
  if (aSigned && bSigned) {
    const at = (a.boxKeyAt ?? 0) - (b.boxKeyAt ?? 0)
    return at !== 0 ? (at > 0 ? a : b) : ((a.boxKeySig as string) >= (b.boxKeySig as string) ? a : b)
  }
  if (aSigned !== bSigned) return aSigned ? a : b
  return later.boxKey !== undefined ? later : (later === a ? b : a)
}

/**
 * The box key a rotation may seal the new vault key to: a signed one only
 * when the device's signature verifies, an unsigned one (a record from before
 * signing; a book keeps it only while no signed one is known) as it is.
 */
export function boxKeyToSealTo (record: DeviceRecord): string | undefined {
  return withCheckedBoxKey(record).boxKey
}

/** The record with its box key signature checked: one that does not verify (forged, tampered, or fields missing) takes the box key with it. */
function withCheckedBoxKey (record: DeviceRecord): DeviceRecord {
  if (record.boxKeySig === undefined && record.boxKeyAt === undefined) return record
  if (record.boxKey !== undefined && record.boxKeyAt !== undefined && record.boxKeySig !== undefined &&
    verifyBoxKey(record.peerId, record.boxKey, record.boxKeyAt, record.boxKeySig)) return record
  const { boxKey: _key, boxKeyAt: _at, boxKeySig: _sig, ...rest } = record
  return rest
}

function sameRecord (a: DeviceRecord, b: DeviceRecord): boolean {
  return a.name === b.name && a.platform === b.platform && a.addedAt === b.addedAt && a.updatedAt === b.updatedAt && a.removedAt === b.removedAt && a.boxKey === b.boxKey &&
    a.boxKeyAt === b.boxKeyAt && a.boxKeySig === b.boxKeySig
}

function checkRecord (record: DeviceRecord): void {
  const r = record as Partial<DeviceRecord> | null
  const ok = typeof r === 'object' && r !== null && isDeviceId(r.peerId) &&
    typeof r.name === 'string' && r.name.length > 0 && r.name.length <= MAX_DEVICE_NAME &&
    typeof r.platform === 'string' && r.platform.length <= MAX_DEVICE_NAME &&
    isRecordTime(r.addedAt) && isRecordTime(r.updatedAt) &&
    (r.removedAt === undefined || isRecordTime(r.removedAt)) &&
    (r.boxKey === undefined || (typeof r.boxKey === 'string' && /^[A-Za-z0-9_-]{43}$/.test(r.boxKey))) &&
    (r.boxKeyAt === undefined || isRecordTime(r.boxKeyAt)) &&
    (r.boxKeySig === undefined || (typeof r.boxKeySig === 'string' && r.boxKeySig.length <= 128))
  if (!ok) throw new CairnError('FORMAT_INVALID', 'a device record is malformed')
}

function isRecordTime (value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_RECORD_TIME
}
