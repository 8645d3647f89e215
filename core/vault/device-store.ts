import { Key, type Datastore } from 'interface-datastore'
import { CairnError } from '../errors.ts'
import { DeviceBook } from './device-book.ts'

const DEVICES_KEY = new Key('/cairn/devices')
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** This device's copy of the vault's device book; an empty book when none is stored yet. */
export async function loadDeviceBook (datastore: Datastore, key: Uint8Array): Promise<DeviceBook> {
  let stored: Uint8Array
  try {
    stored = await datastore.get(DEVICES_KEY)
  } catch (err) {
    if ((err as Error).name === 'NotFoundError') return new DeviceBook()
    throw new CairnError('STORAGE_FAILED', 'reading the device list failed', { cause: err })
  }
  return DeviceBook.open(key, decoder.decode(stored))
}

export async function saveDeviceBook (datastore: Datastore, key: Uint8Array, book: DeviceBook): Promise<void> {
  await datastore.put(DEVICES_KEY, encoder.encode(book.seal(key)))
}
