import { openSecret, sealSecret } from '../crypto/secretbox.ts'
import { fromBase64Url, toBase64Url } from '../crypto/base64.ts'
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
}

const AAD = new TextEncoder().encode('cairn/v1/devices')
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })
export const MAX_DEVICE_NAME = 64
/** Devices a vault can ever have, removed ones included (a backup peer bounds a vault's record by it: MAX_VAULT_DEVICES). */
export const MAX_DEVICES = 1000

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
  put (record: DeviceRecord): boolean {
    checkRecord(record)
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
    return new DeviceBook(value as DeviceRecord[])
  }
}

/** The later change wins (ties by name, so every device picks the same); a removal always stays. */
function mergeRecords (a: DeviceRecord, b: DeviceRecord): DeviceRecord {
  const later = a.updatedAt !== b.updatedAt ? (a.updatedAt > b.updatedAt ? a : b) : (a.name >= b.name ? a : b)
  const merged: DeviceRecord = { ...later, addedAt: Math.min(a.addedAt, b.addedAt) }
  const removals = [a.removedAt, b.removedAt].filter((at): at is number => at !== undefined)
  if (removals.length > 0) merged.removedAt = Math.min(...removals)
  else delete merged.removedAt
  // A copy made before the device published its box key must not erase it.
  const boxKey = later.boxKey ?? (later === a ? b : a).boxKey
  if (boxKey !== undefined) merged.boxKey = boxKey
  return merged
}

function sameRecord (a: DeviceRecord, b: DeviceRecord): boolean {
  return a.name === b.name && a.platform === b.platform && a.addedAt === b.addedAt && a.updatedAt === b.updatedAt && a.removedAt === b.removedAt && a.boxKey === b.boxKey
}

function checkRecord (record: DeviceRecord): void {
  const r = record as Partial<DeviceRecord> | null
  const ok = typeof r === 'object' && r !== null && isDeviceId(r.peerId) &&
    typeof r.name === 'string' && r.name.length > 0 && r.name.length <= MAX_DEVICE_NAME &&
    typeof r.platform === 'string' && r.platform.length <= MAX_DEVICE_NAME &&
    Number.isSafeInteger(r.addedAt) && Number.isSafeInteger(r.updatedAt) &&
    (r.removedAt === undefined || Number.isSafeInteger(r.removedAt)) &&
    (r.boxKey === undefined || (typeof r.boxKey === 'string' && /^[A-Za-z0-9_-]{43}$/.test(r.boxKey)))
  if (!ok) throw new CairnError('FORMAT_INVALID', 'a device record is malformed')
}
