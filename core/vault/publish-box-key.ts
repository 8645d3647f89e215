import { toBase64Url } from '../crypto/base64.ts'
import { boxKeyMessage, type DeviceSign } from '../crypto/box-key-signature.ts'
import { changeStamp, type DeviceBook, type DeviceRecord } from './device-book.ts'

/**
 * Puts this device's box public key (base64url, UnlockedSession.boxKey) in
 * its own record of the device book, signed with this device's libp2p key
 * (`sign`), so a device that rotates the vault key can hand the new key to
 * this one (key-handover.ts) and no other member can swap it. Call after
 * every unlock and after pairing, once the book is loaded and this device's
 * record is in it; save the book when it returns true. A record holding the
 * same key unsigned (a vault from before signing) is signed now. A book
 * without this device's record is left as it is (false).
 */
export async function publishBoxKey (book: DeviceBook, peerId: string, boxKey: string, now: number, sign: DeviceSign): Promise<boolean> {
  const mine = book.get(peerId)
  if (mine === undefined || mine.removedAt !== undefined || (mine.boxKey === boxKey && mine.boxKeySig !== undefined)) return false
  return book.put(await signedBoxKey(mine, boxKey, now, sign))
}

/** `record` (this device's) with `boxKey` signed now: after any earlier signing, so it wins even when this clock lags. */
export async function signedBoxKey (record: DeviceRecord, boxKey: string, now: number, sign: DeviceSign): Promise<DeviceRecord> {
  const at = Math.max(now, (record.boxKeyAt ?? 0) + 1)
  const signature = await sign(boxKeyMessage(record.peerId, boxKey, at))
  return { ...record, boxKey, boxKeyAt: at, boxKeySig: toBase64Url(signature), updatedAt: changeStamp(record, now) }
}
