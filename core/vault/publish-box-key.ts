import { changeStamp, type DeviceBook } from './device-book.ts'

/**
 * Puts this device's box public key (base64url, UnlockedSession.boxKey) in
 * its own record of the device book, so a device that rotates the vault key
 * can hand the new key to this one (key-handover.ts). Call after every
 * unlock and after pairing, once the book is loaded and this device's
 * record is in it; save the book when it returns true. A book without this
 * device's record is left as it is (false).
 */
export function publishBoxKey (book: DeviceBook, peerId: string, boxKey: string, now: number): boolean {
  const mine = book.get(peerId)
  if (mine === undefined || mine.removedAt !== undefined || mine.boxKey === boxKey) return false
  return book.put({ ...mine, boxKey, updatedAt: changeStamp(mine, now) })
}
