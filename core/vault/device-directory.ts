import { Key, type Datastore } from 'interface-datastore'
import { systemClock, type Clock } from '../clock.ts'
import { fromBase64Url, toBase64Url } from '../crypto/base64.ts'
import { openSecret, sealSecret } from '../crypto/secretbox.ts'
import { CairnError, InvalidArgumentError, VaultLockedError } from '../errors.ts'
import { changeStamp, DeviceBook, isDatedAhead, MAX_DEVICE_NAME, removalOnly, type DeviceRecord } from './device-book.ts'
import { loadDeviceBook, saveDeviceBook } from './device-store.ts'
import { publishBoxKey } from './publish-box-key.ts'
import type { DeviceSign } from '../crypto/box-key-signature.ts'
import type { Log } from '../log.ts'

/** When this device last heard from each other device: local, never synced (each device sees its own). */
const SEEN_KEY = new Key('/cairn/devices-seen')
const SEEN_AAD = new TextEncoder().encode('cairn/v1/devices/seen')
const encoder = new TextEncoder()
const decoder = new TextDecoder()

export interface DeviceDirectoryComponents {
  datastore: Datastore
  /** This device's PeerId. */
  peerId: string
  /** This device's default name and platform (core/vault/device-name.ts `describeDevice`). */
  describe: { name: string, platform: string }
  log: Log
  /** The devices list changed (a device joined, was renamed or seen). */
  onChanged: () => void
  /** Signs with this device's libp2p key (core/node/device-key.ts): its box key record is signed. */
  sign: DeviceSign
  /** Record times (LWW) and last-seen times; tests inject one. */
  now?: Clock
}

/** One device as this device knows it. */
export interface DeviceEntry extends DeviceRecord {
  /** ms since epoch this device last heard from it; undefined when never, and for this device. */
  lastSeen?: number
}

interface Open {
  key: Uint8Array
  book: DeviceBook
  seen: Map<string, number>
}

/**
 * The vault's devices on this device (DESIGN §3 "Devices"): the sealed device
 * book, loaded when the vault opens and forgotten (its key wiped) when it
 * locks. It adds this device's own record on the first unlock, renames (last
 * writer wins), records when member devices were last seen, and lends the
 * book to sync (`book()`, `merge()`, `isMember()`).
 */
export class DeviceDirectory {
  private open: Open | undefined
  private opening: Promise<void> | undefined
  private readonly now: Clock
  /** Serialises writes, so two changes never race to the datastore. */
  private writing: Promise<void> = Promise.resolve()

  constructor (private readonly c: DeviceDirectoryComponents) {
    this.now = c.now ?? systemClock
  }

  /**
   * The vault opened: load the book under `devicesKey` (the vault owns the key
   * and wipes it on lock; so does `detach`). Adds this device when it is not listed.
   */
  async attach (devicesKey: Uint8Array): Promise<void> {
    const opening = this.load(devicesKey)
    this.opening = opening
    try {
      await opening
    } finally {
      if (this.opening === opening) this.opening = undefined
    }
  }

  /** The vault locked: forget the book and wipe the key. */
  detach (): void {
    this.open?.key.fill(0)
    this.open = undefined
    this.opening = undefined
  }

  /** Every device, removed ones included (sorted by when they joined). VAULT_LOCKED when locked. */
  async list (): Promise<DeviceEntry[]> {
    const open = await this.ready()
    return open.book.list().map(record => {
      const seen = open.seen.get(record.peerId)
      return seen !== undefined && record.peerId !== this.c.peerId ? { ...record, lastSeen: seen } : { ...record }
    })
  }

  async get (peerId: string): Promise<DeviceEntry | undefined> {
    return (await this.list()).find(d => d.peerId === peerId)
  }

  /** Renames a device (the later rename wins everywhere). */
  async rename (peerId: string, name: string): Promise<DeviceEntry> {
    const open = await this.ready()
    const trimmed = name.trim()
    if (trimmed.length === 0 || trimmed.length > MAX_DEVICE_NAME) throw new InvalidArgumentError(`A device name has 1 to ${MAX_DEVICE_NAME} characters`)
    const record = open.book.get(peerId)
    if (record === undefined || record.removedAt !== undefined) throw new InvalidArgumentError('There is no such device in this vault')
    await this.change(open, { ...record, name: trimmed, updatedAt: this.stamp(record) })
    return (await this.get(peerId)) as DeviceEntry
  }

  /** A device joined (pairing, on the device that offered): adds or refreshes its record. */
  async add (device: { peerId: string, name: string, platform: string }): Promise<DeviceEntry> {
    const open = await this.ready()
    const now = this.now()
    const known = open.book.get(device.peerId)
    if (known?.removedAt !== undefined) throw new CairnError('INVALID_ARGUMENT', 'That device was removed from this vault')
    await this.change(open, { peerId: device.peerId, name: device.name.slice(0, MAX_DEVICE_NAME) || 'Device', platform: device.platform.slice(0, MAX_DEVICE_NAME), addedAt: known?.addedAt ?? now, updatedAt: known !== undefined ? this.stamp(known) : now })
    return (await this.get(device.peerId)) as DeviceEntry
  }

  /** A member device connected: note when (persisted); others are ignored. */
  async seen (peerId: string): Promise<void> {
    const open = this.open
    if (open === undefined || peerId === this.c.peerId || !open.book.isMember(peerId)) return
    open.seen.set(peerId, this.now())
    await this.write(async () => { if (this.open === open) await this.c.datastore.put(SEEN_KEY, encoder.encode(sealSeen(open))) })
    this.c.onChanged()
  }

  /** True when `peerId` is a current member (sync asks before it answers). False while locked. */
  isMember (peerId: string): boolean {
    return this.open?.book.isMember(peerId) ?? false
  }

  /** True when `peerId` was removed from the vault. False while locked. */
  isRemoved (peerId: string): boolean {
    return this.open?.book.isRemoved(peerId) ?? false
  }

  /** A copy of the book (for sync to send, or a pairing gift). VAULT_LOCKED when locked. */
  async book (): Promise<DeviceBook> {
    return new DeviceBook((await this.ready()).book.list())
  }

  /** Puts this device's box public key in its own record (publish-box-key.ts), so a rotation elsewhere can hand it the new key. */
  async publishBoxKey (boxKey: string): Promise<void> {
    const open = await this.ready()
    if (!await publishBoxKey(open.book, this.c.peerId, boxKey, this.now(), this.c.sign)) return
    await this.write(async () => { if (this.open === open) await saveDeviceBook(this.c.datastore, open.key, open.book) })
    this.c.onChanged()
  }

  /** A device's name as the book has it (sync), for labels; 'another device' when unknown or locked. */
  nameOf (peerId: string): string {
    return this.open?.book.get(peerId)?.name ?? 'another device'
  }

  /** Current members' PeerIds (sync looks for them); [] while locked. */
  memberIds (): string[] {
    return this.open?.book.list().filter(r => r.removedAt === undefined).map(r => r.peerId) ?? []
  }

  /** The book sealed under the devices subkey, for another device of the vault. VAULT_LOCKED when locked. */
  async sealedBook (): Promise<string> {
    const open = await this.ready()
    return open.book.seal(open.key)
  }

  /** Opens and merges a sealed book another device sent; FORMAT_INVALID when it is not this vault's. Returns true when this one changed. */
  async mergeSealed (sealed: string): Promise<boolean> {
    const open = await this.ready()
    return await this.merge(DeviceBook.open(open.key, sealed))
  }

  /**
   * Merges a book another device sent (sync); returns true when this one
   * changed (then saved and announced). A record dated more than a day
   * ahead of this clock would win over every change made here until then:
   * it is left out (logged), except that a removal in it still counts.
   */
  async merge (other: DeviceBook): Promise<boolean> {
    const open = await this.ready()
    const now = this.now()
    const taken = new DeviceBook()
    for (const record of other.list()) {
      if (!isDatedAhead(record, now)) {
        taken.put(record)
        continue
      }
      this.c.log.warn(`the device list sent has the record of device …${record.peerId.slice(-8)} dated more than a day ahead of this device's clock (${record.updatedAt}): ${record.removedAt === undefined ? 'ignored' : 'only its removal is taken'}`)
      if (record.removedAt !== undefined) taken.put(removalOnly(record, now))
    }
    if (!open.book.merge(taken)) return false
    await this.write(async () => { if (this.open === open) await saveDeviceBook(this.c.datastore, open.key, open.book) })
    this.c.onChanged()
    return true
  }

  private async load (devicesKey: Uint8Array): Promise<void> {
    const book = await loadDeviceBook(this.c.datastore, devicesKey)
    const seen = await loadSeen(this.c.datastore, devicesKey, this.c.log)
    const open: Open = { key: devicesKey, book, seen }
    this.open = open
    if (book.get(this.c.peerId) === undefined) {
      const now = this.now()
      await this.change(open, { peerId: this.c.peerId, name: this.c.describe.name, platform: this.c.describe.platform, addedAt: now, updatedAt: now })
      this.c.log.info('this device added to the vault\'s device list')
    }
  }

  private async ready (): Promise<Open> {
    if (this.opening !== undefined) await this.opening
    if (this.open === undefined) throw new VaultLockedError()
    return this.open
  }

  /** A change's time (device-book.ts changeStamp). */
  private stamp (record: DeviceRecord): number {
    return changeStamp(record, this.now())
  }

  private async change (open: Open, record: DeviceRecord): Promise<void> {
    if (!open.book.put(record)) return
    await this.write(async () => { if (this.open === open) await saveDeviceBook(this.c.datastore, open.key, open.book) })
    this.c.onChanged()
  }

  private async write (job: () => Promise<void>): Promise<void> {
    const next = this.writing.then(job)
    this.writing = next.catch(() => {})
    await next
  }
}

function sealSeen (open: Open): string {
  return toBase64Url(sealSecret(open.key, encoder.encode(JSON.stringify(Object.fromEntries(open.seen))), SEEN_AAD))
}

/** Last-seen times; a damaged record only loses them (logged), never the vault. */
async function loadSeen (datastore: Datastore, key: Uint8Array, log: Log): Promise<Map<string, number>> {
  let stored: Uint8Array
  try {
    stored = await datastore.get(SEEN_KEY)
  } catch {
    return new Map()
  }
  try {
    const bytes = fromBase64Url(decoder.decode(stored))
    if (bytes === undefined) throw new Error('not base64url')
    const value = JSON.parse(decoder.decode(openSecret(key, bytes, SEEN_AAD, 'FORMAT_INVALID'))) as Record<string, unknown>
    return new Map(Object.entries(value).filter((e): e is [string, number] => Number.isSafeInteger(e[1])))
  } catch (err) {
    log.warn(`the devices' last-seen times could not be read (${(err as Error).message}); starting afresh`)
    return new Map()
  }
}
