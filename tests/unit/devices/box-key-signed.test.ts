import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ed25519 } from '@noble/curves/ed25519.js'
import fc from 'fast-check'
import { MemoryDatastore } from 'datastore-core'
import { fromBase64Url, toBase64Url } from '../../../core/crypto/base64.ts'
import { boxKeyMessage, verifyBoxKey } from '../../../core/crypto/box-key-signature.ts'
import { newBoxKeyPair } from '../../../core/crypto/device-box.ts'
import { sealSecret } from '../../../core/crypto/secretbox.ts'
import { vaultSigner } from '../../../core/crypto/vault-signing.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { changeStamp, DeviceBook, type DeviceRecord } from '../../../core/vault/device-book.ts'
import { DeviceDirectory } from '../../../core/vault/device-directory.ts'
import { saveDeviceBook } from '../../../core/vault/device-store.ts'
import { openHandOver } from '../../../core/vault/key-handover.ts'
import { rotateVaultKey } from '../../../core/vault/key-rotation.ts'
import { publishBoxKey } from '../../../core/vault/publish-box-key.ts'
import { deviceIdentity, type DeviceIdentity } from './device-identity.ts'
import { memoryStores, openLog, random } from './rotate-support.ts'

const NOW = 1_700_000_000_000

function record (id: string, name: string, at: number, boxKey?: string): DeviceRecord {
  return { peerId: id, name, platform: 'Linux', addedAt: at, updatedAt: at, ...(boxKey !== undefined ? { boxKey } : {}) }
}

/** `device`'s record in `book` with its own box key signed, as it publishes it at unlock. */
async function published (book: DeviceBook, device: DeviceIdentity, boxKey: string, now = NOW): Promise<DeviceRecord> {
  assert.equal(await publishBoxKey(book, device.id, boxKey, now, device.sign), true)
  const mine = book.get(device.id)
  assert.ok(mine?.boxKeySig !== undefined)
  return mine
}

function flip (text: string, at: number): string {
  const bytes = fromBase64Url(text) as Uint8Array
  bytes[at] = (bytes[at] as number) ^ 1
  return toBase64Url(bytes)
}

describe('box keys signed by their own device', () => {
  it('a member that writes its own box key into another device\'s record cannot read that device\'s copy of a rotated key', async () => {
    const [a, b, r] = await Promise.all([deviceIdentity(), deviceIdentity(), deviceIdentity()])
    const bBox = newBoxKeyPair()
    const rBox = newBoxKeyPair()
    const book = new DeviceBook([record(a.id, 'A', 1), record(b.id, 'B', 2), record(r.id, 'R', 3)])
    const bRecord = await published(book, b, toBase64Url(bBox.publicKey))
    await published(book, r, toBase64Url(rBox.publicKey))
    // R rewrites B's record with its own box key and a later stamp: unsigned, and signed with R's own key.
    const hostile = new DeviceBook(book.list())
    hostile.put({ ...bRecord, boxKey: toBase64Url(rBox.publicKey), boxKeyAt: undefined, boxKeySig: undefined, updatedAt: changeStamp(bRecord, NOW + 10) } as unknown as DeviceRecord)
    const at = NOW + 20
    const forged = toBase64Url(await r.sign(boxKeyMessage(b.id, toBase64Url(rBox.publicKey), at)))
    const forgedRecord: DeviceRecord = { ...bRecord, boxKey: toBase64Url(rBox.publicKey), boxKeyAt: at, boxKeySig: forged, updatedAt: changeStamp(bRecord, NOW + 20) }
    hostile.put(forgedRecord)
    book.merge(hostile)
    book.put(forgedRecord)
    assert.equal(book.get(b.id)?.boxKey, toBase64Url(bBox.publicKey), 'B\'s own key stays')
    // A removes R and rotates.
    const rRecord = book.get(r.id) as DeviceRecord
    book.put({ ...rRecord, removedAt: NOW + 30, updatedAt: NOW + 30 })
    const vk = random(32)
    const stores = memoryStores()
    const log = openLog(stores, vk, a.id)
    await log.start()
    const rotation = await rotateVaultKey({ ...stores, index: log }, { vaultKey: vk, deviceId: a.id, devices: book.list() })
    const oldVault = vaultSigner(vk).vaultId
    const sealedForB = rotation.handovers[b.id]
    assert.ok(sealedForB !== undefined)
    assert.throws(() => openHandOver(rBox, sealedForB, b.id, oldVault), 'the removed member cannot open B\'s copy')
    assert.deepEqual(openHandOver(bBox, sealedForB, b.id, oldVault), rotation.newVaultKey, 'B opens its copy')
  })

  it('a tampered signature, box key, time or PeerId is refused: the book keeps no box key from it', async () => {
    const [b, other] = await Promise.all([deviceIdentity(), deviceIdentity()])
    const book = new DeviceBook([record(b.id, 'B', 1)])
    const good = await published(book, b, toBase64Url(newBoxKeyPair().publicKey))
    const tampered: DeviceRecord[] = [
      { ...good, boxKeySig: flip(good.boxKeySig as string, 10) },
      { ...good, boxKey: flip(good.boxKey as string, 0) },
      { ...good, boxKeyAt: (good.boxKeyAt as number) + 1 },
      { ...good, peerId: other.id }
    ]
    for (const bad of tampered) {
      const fresh = new DeviceBook([record(bad.peerId, 'B', 1)])
      fresh.put(bad)
      assert.equal(fresh.get(bad.peerId)?.boxKey, undefined, 'refused in a book without one')
      const holding = new DeviceBook(book.list())
      holding.put({ ...bad, updatedAt: NOW + 100 })
      if (bad.peerId === b.id) assert.equal(holding.get(b.id)?.boxKey, good.boxKey, 'refused in a book holding the signed one')
    }
    // Rotation checks the signature itself too (the records it is given are not trusted to come from a book).
    const vk = random(32)
    const stores = memoryStores()
    const me = await deviceIdentity()
    const log = openLog(stores, vk, me.id)
    await log.start()
    const rotation = await rotateVaultKey({ ...stores, index: log }, { vaultKey: vk, deviceId: me.id, devices: [record(me.id, 'me', 1), tampered[0] as DeviceRecord] })
    assert.deepEqual(rotation.unreachable, [b.id])
    assert.equal(rotation.handovers[b.id], undefined)
  })

  it('a signed box key wins over an unsigned one whatever the record times, in any merge order; the later signing wins', async () => {
    const b = await deviceIdentity()
    const mine = new DeviceBook([record(b.id, 'B', 1)])
    const first = await published(mine, b, 'F'.repeat(43))
    const unsigned: DeviceRecord = { peerId: b.id, name: 'Renamed', platform: 'Linux', addedAt: 1, updatedAt: NOW + 50, boxKey: 'U'.repeat(43) }
    const one = new DeviceBook([unsigned]); one.put(first)
    const two = new DeviceBook([first]); two.put(unsigned)
    assert.deepEqual(one.list(), two.list())
    assert.equal(one.get(b.id)?.boxKey, 'F'.repeat(43))
    assert.equal(one.get(b.id)?.name, 'Renamed', 'the rest of the record is still last-writer-wins')
    const second = await published(mine, b, 'S'.repeat(43), NOW - 1000)
    assert.ok((second.boxKeyAt as number) > (first.boxKeyAt as number), 'signed after the first even with a clock behind')
    two.put(second)
    two.put(first)
    assert.equal(two.get(b.id)?.boxKey, 'S'.repeat(43))
  })

  it('books with signed, unsigned and forged box keys converge whatever the merge order (property)', async () => {
    const b = await deviceIdentity()
    const pool: DeviceRecord[] = []
    const signing = new DeviceBook([record(b.id, 'B', 1)])
    for (const [key, at] of [['F', 5], ['S', 5], ['T', 9]] as const) {
      const signed = await published(signing, b, key.repeat(43), at)
      for (const updatedAt of [3, 8]) pool.push({ ...signed, updatedAt })
    }
    pool.push({ ...(pool[0] as DeviceRecord), boxKeySig: flip((pool[0] as DeviceRecord).boxKeySig as string, 3), updatedAt: 20 })
    for (const updatedAt of [2, 7, 12]) pool.push({ ...record(b.id, `n${updatedAt}`, 1, 'U'.repeat(43)), updatedAt }, { ...record(b.id, `m${updatedAt}`, 1), updatedAt })
    fc.assert(fc.property(fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { maxLength: 10 }), (records, order) => {
      const shuffled = [...records]
      for (let i = 0; i < order.length && shuffled.length > 1; i++) shuffled.push(...shuffled.splice((order[i] as number) % shuffled.length, 1))
      const one = new DeviceBook(records)
      const two = new DeviceBook()
      for (const r of shuffled) two.merge(new DeviceBook([r]))
      assert.deepEqual(one.list(), two.list())
    }))
  })

  it('an old book with unsigned box keys still opens, and each device signs its own key at unlock', async () => {
    const [self, r] = await Promise.all([deviceIdentity(), deviceIdentity()])
    const devicesKey = random(32)
    const boxKey = toBase64Url(newBoxKeyPair().publicKey)
    const oldRecords = [record(self.id, 'Laptop', 1, boxKey), record(r.id, 'Phone', 2, 'R'.repeat(43))]
    const sealed = toBase64Url(sealSecret(devicesKey, new TextEncoder().encode(JSON.stringify(oldRecords)), new TextEncoder().encode('cairn/v1/devices')))
    assert.deepEqual(DeviceBook.open(devicesKey, sealed).list(), oldRecords, 'read as it was')
    const datastore = new MemoryDatastore()
    await saveDeviceBook(datastore, devicesKey, DeviceBook.open(devicesKey, sealed))
    const directory = new DeviceDirectory({ datastore, peerId: self.id, describe: { name: 'Laptop', platform: 'Linux' }, log: new LogBuffer().for('test'), onChanged: () => {}, sign: self.sign, now: () => NOW })
    await directory.attach(devicesKey.slice())
    await directory.publishBoxKey(boxKey)
    const upgraded = await directory.get(self.id)
    assert.equal(upgraded?.boxKey, boxKey)
    assert.ok(upgraded?.boxKeyAt !== undefined && upgraded.boxKeySig !== undefined)
    assert.equal(verifyBoxKey(self.id, boxKey, upgraded.boxKeyAt, upgraded.boxKeySig), true)
    // From now on an unsigned record dated later (another member's write) no longer replaces it.
    await directory.merge(new DeviceBook([{ ...record(self.id, 'Laptop', 1, 'R'.repeat(43)), updatedAt: NOW + 1000 }]))
    assert.equal((await directory.get(self.id))?.boxKey, boxKey)
    // The other device's old unsigned key is still there for a rotation until it signs its own.
    assert.equal((await directory.get(r.id))?.boxKey, 'R'.repeat(43))
  })

  it('matches a fixed vector, and an independent Ed25519 signs the same bytes to the same signature', () => {
    const peerId = '12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5'
    const boxKey = 'AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI'
    const signature = 'HlksS_dhcuZN6ZEc5156gxaQ6YkvnehfNg1DizqAhvDiENz3ELjXnMmFAt6-VnVJIkU4MguIWhJzyS0ZpIHbDA'
    const message = boxKeyMessage(peerId, boxKey, NOW)
    assert.equal(new TextDecoder().decode(message), `cairn/device-boxkey/v1\0${peerId}\0${boxKey}\0${NOW}`)
    assert.equal(toBase64Url(ed25519.sign(message, new Uint8Array(32).fill(1))), signature)
    assert.equal(verifyBoxKey(peerId, boxKey, NOW, signature), true)
    assert.equal(verifyBoxKey(peerId, boxKey, NOW + 1, signature), false)
  })
})
