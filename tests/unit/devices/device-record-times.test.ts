import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { toBase64Url } from '../../../core/crypto/base64.ts'
import { sealSecret } from '../../../core/crypto/secretbox.ts'
import { isCairnError } from '../../../core/errors.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { DeviceBook, MAX_RECORD_TIME, type DeviceRecord } from '../../../core/vault/device-book.ts'
import { DeviceDirectory } from '../../../core/vault/device-directory.ts'
import { DeviceRemoval } from '../../../core/vault/device-removal.ts'
import { publishBoxKey } from '../../../core/vault/publish-box-key.ts'
import { deviceIdentity } from './device-identity.ts'
import { random } from './rotate-support.ts'

const A = '12D3KooWDeviceA'
const B = '12D3KooWDeviceB'
const M = '12D3KooWHostile'
const NOW = 1_700_000_000_000
const DAY = 24 * 60 * 60 * 1000

/** A book sealed as a device did before record times were bounded (any safe integer went). */
function sealedUnbounded (key: Uint8Array, records: DeviceRecord[]): string {
  return toBase64Url(sealSecret(key, new TextEncoder().encode(JSON.stringify(records)), new TextEncoder().encode('cairn/v1/devices')))
}

function removalOf (book: DeviceBook, saved: { book?: DeviceBook }): DeviceRemoval {
  return new DeviceRemoval({
    deviceId: A,
    loadBook: async () => book,
    saveBook: async (b) => { saved.book = b },
    vaultKey: () => random(32),
    backupPeers: () => [],
    backupClient: () => ({}) as never,
    rotation: { blockstore: undefined as never, datastore: undefined as never, index: () => undefined as never, adopt: async () => {} },
    now: () => NOW
  })
}

describe('device record times', () => {
  it('a record dated past MAX_RECORD_TIME is malformed', () => {
    const planted: DeviceRecord = { peerId: M, name: 'Laptop', platform: 'Linux', addedAt: 2, updatedAt: Number.MAX_SAFE_INTEGER }
    assert.throws(() => new DeviceBook([planted]), err => isCairnError(err, 'FORMAT_INVALID'))
    assert.throws(() => new DeviceBook([{ ...planted, updatedAt: 2, removedAt: MAX_RECORD_TIME + 1 }]), err => isCairnError(err, 'FORMAT_INVALID'))
  })

  it('a device whose record is dated as late as the format allows can still be removed', async () => {
    const book = new DeviceBook([{ peerId: A, name: 'A', platform: 'Linux', addedAt: 1, updatedAt: 1 }])
    assert.equal(book.merge(new DeviceBook([{ peerId: M, name: 'Laptop', platform: 'Linux', addedAt: 2, updatedAt: MAX_RECORD_TIME }])), true)
    const saved: { book?: DeviceBook } = {}
    await assert.doesNotReject(removalOf(book, saved).remove(M, false))
    assert.equal(saved.book?.isRemoved(M), true)
  })

  it('a stored book with a record dated MAX_SAFE_INTEGER (from before the bound) opens, and that device can be removed', async () => {
    const key = random(32)
    const book = DeviceBook.open(key, sealedUnbounded(key, [
      { peerId: A, name: 'A', platform: 'Linux', addedAt: 1, updatedAt: 1 },
      { peerId: M, name: 'Laptop', platform: 'Linux', addedAt: 2, updatedAt: Number.MAX_SAFE_INTEGER }
    ]))
    assert.equal(book.get(M)?.updatedAt, 0, 'read as undated')
    const saved: { book?: DeviceBook } = {}
    await assert.doesNotReject(removalOf(book, saved).remove(M, false))
    assert.equal(saved.book?.isRemoved(M), true)
  })

  it('a device puts its own box key back over one another member planted dated MAX_SAFE_INTEGER (stored before the bound)', async () => {
    const key = random(32)
    const b = await deviceIdentity()
    const book = DeviceBook.open(key, sealedUnbounded(key, [
      { peerId: b.id, name: 'B', platform: 'Linux', addedAt: 1, updatedAt: Number.MAX_SAFE_INTEGER, boxKey: 'M'.repeat(43) }
    ]))
    assert.equal(await publishBoxKey(book, b.id, 'B'.repeat(43), NOW, b.sign), true)
    assert.equal(book.get(b.id)?.boxKey, 'B'.repeat(43))
    // Every other device reads the planted record the same way, so B's change wins there too.
    const elsewhere = DeviceBook.open(key, sealedUnbounded(key, [
      { peerId: b.id, name: 'B', platform: 'Linux', addedAt: 1, updatedAt: Number.MAX_SAFE_INTEGER, boxKey: 'M'.repeat(43) }
    ]))
    elsewhere.merge(book)
    assert.equal(elsewhere.get(b.id)?.boxKey, 'B'.repeat(43))
  })

  it('a record another device sends dated more than a day ahead is ignored (logged); its removal still counts', async () => {
    const logs = new LogBuffer()
    const directory = new DeviceDirectory({ datastore: new MemoryDatastore(), peerId: A, describe: { name: 'A', platform: 'Linux' }, log: logs.for('test'), onChanged: () => {}, sign: async () => new Uint8Array(64), now: () => NOW })
    await directory.attach(random(32))
    await directory.add({ peerId: B, name: 'B', platform: 'Linux' })
    const theirs = new DeviceBook([
      { peerId: B, name: 'B', platform: 'Linux', addedAt: NOW, updatedAt: NOW + 2 * DAY, boxKey: 'M'.repeat(43) },
      { peerId: M, name: 'Soon', platform: 'Linux', addedAt: NOW, updatedAt: NOW + DAY - 1 }
    ])
    assert.equal(await directory.merge(theirs), true)
    assert.equal((await directory.get(B))?.boxKey, undefined, 'the record dated ahead was not taken')
    assert.equal((await directory.get(M))?.name, 'Soon', 'a record less than a day ahead is')
    assert.ok(logs.recent().some(line => line.message.includes('more than a day ahead')))

    await directory.merge(new DeviceBook([{ peerId: B, name: 'B', platform: 'Linux', addedAt: NOW, updatedAt: NOW + 3 * DAY, removedAt: NOW + 3 * DAY }]))
    assert.equal(directory.isRemoved(B), true)
    assert.equal((await directory.get(B))?.removedAt, NOW)
  })
})
