import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { MemoryDatastore } from 'datastore-core/memory'
import { Key } from 'interface-datastore'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { isCairnError } from '../../../core/errors.ts'
import { newShareId, ShareStore, type ShareRecord } from '../../../core/share/share-store.ts'
import { containsBytes, fixedKey } from './helpers.ts'

function record (over: Partial<ShareRecord> = {}): ShareRecord {
  return {
    id: newShareId(),
    fileId: '00112233445566778899aabbccddeeff',
    cid: 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi',
    name: 'Zürich ☃.jpg',
    size: 1234,
    type: 'image/jpeg',
    createdAt: 1_700_000_000_000,
    link: 'https://cairn.example/#/s/AQFwEiDDxHM-yK_9Bs-en_UP_GvNLshaYXAAS7cJZpwx3pQ5Gg',
    ...over
  }
}

const tampered = (err: unknown): boolean => isCairnError(err, 'SHARE_RECORD_TAMPERED')

describe('ShareStore', () => {
  it('add, get, list (newest first), update and remove', async () => {
    const datastore = new MemoryDatastore()
    const store = new ShareStore(datastore, deriveSubkey(fixedKey(1), 'shares'))
    const older = record({ createdAt: 1000 })
    const newer = record({ createdAt: 2000, expiresAt: 9000, name: 'notes.txt', type: 'text/plain' })
    await store.add(older)
    await store.add(newer)
    assert.deepEqual(await store.get(older.id), older)
    assert.deepEqual(await store.list(), [newer, older])
    const updated = await store.update(older.id, { freed: true, expiresAt: 5000 })
    assert.deepEqual(updated, { ...older, freed: true, expiresAt: 5000 })
    // A second store over the same datastore and key sees the same records.
    assert.deepEqual(await new ShareStore(datastore, deriveSubkey(fixedKey(1), 'shares')).get(older.id), updated)
    assert.deepEqual(await store.remove(older.id), updated)
    assert.equal(await store.get(older.id), undefined)
    assert.equal(await store.remove(older.id), undefined)
    assert.deepEqual(await store.list(), [newer])
    await assert.rejects(store.update(older.id, { name: 'x' }), (err: unknown) => isCairnError(err, 'FILE_NOT_FOUND'))
    await assert.rejects(store.get('../../cairn/vault'), (err: unknown) => isCairnError(err, 'INVALID_ARGUMENT'))
  })

  it('keeps records under /cairn/shares/<id>, sealed: neither the link nor the name is readable', async () => {
    const datastore = new MemoryDatastore()
    const store = new ShareStore(datastore, deriveSubkey(fixedKey(1), 'shares'))
    const r = record()
    await store.add(r)
    const raw = await datastore.get(new Key(`/cairn/shares/${r.id}`))
    const enc = new TextEncoder()
    for (const needle of [r.link, 'AQFwEiDD', 'Zürich', r.cid, r.fileId]) assert.ok(!containsBytes(raw, enc.encode(needle)), `stored record shows ${needle}`)
  })

  it('a changed, cut, moved or foreign record is refused by get and left out of list, which keeps the others', async () => {
    const key = deriveSubkey(fixedKey(1), 'shares')
    const datastore = new MemoryDatastore()
    const store = new ShareStore(datastore, key)
    const r = record()
    await store.add(r)
    const at = new Key(`/cairn/shares/${r.id}`)
    const sealed = await datastore.get(at)

    for (let i = 0; i < sealed.length; i += 7) {
      const bad = sealed.slice()
      bad[i] = (bad[i] as number) ^ 0x10
      await datastore.put(at, bad)
      await assert.rejects(store.get(r.id), tampered, `byte ${i}`)
      assert.deepEqual(await store.survey(), { records: [], damaged: 1 }, `byte ${i}`)
    }
    await datastore.put(at, sealed.subarray(0, sealed.length - 1))
    await assert.rejects(store.get(r.id), tampered)
    await datastore.put(at, sealed)
    assert.deepEqual(await store.get(r.id), r)

    // The same sealed bytes under another id are refused (the key is the AAD).
    const other = newShareId()
    await datastore.put(new Key(`/cairn/shares/${other}`), sealed)
    await assert.rejects(store.get(other), tampered)
    await datastore.delete(new Key(`/cairn/shares/${other}`))

    // Another vault's key opens nothing.
    assert.deepEqual(await new ShareStore(datastore, deriveSubkey(fixedKey(2), 'shares')).survey(), { records: [], damaged: 1 })

    // One damaged record among good ones: the good ones are still listed.
    const second = record()
    await store.add(second)
    const bad = sealed.slice()
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1
    await datastore.put(at, bad)
    assert.deepEqual(await store.survey(), { records: [second], damaged: 1 })
    assert.deepEqual(await store.list(), [second])
  })

  it('the sealing key is HKDF(VK, cairn/v1/shares), distinct per vault and 32 bytes', () => {
    const a = deriveSubkey(fixedKey(1), 'shares')
    assert.equal(a.length, 32)
    // Records already sealed stay readable only while this stays the derivation.
    assert.deepEqual(a, hkdf(sha256, fixedKey(1), undefined, new TextEncoder().encode('cairn/v1/shares'), 32))
    assert.notDeepEqual(a, deriveSubkey(fixedKey(2), 'shares'))
    assert.notDeepEqual(a, fixedKey(1))
    assert.throws(() => new ShareStore(new MemoryDatastore(), new Uint8Array(16)), (err: unknown) => isCairnError(err, 'INVALID_ARGUMENT'))
    assert.match(newShareId(), /^[0-9a-f]{32}$/)
    assert.notEqual(newShareId(), newShareId())
  })
})

describe('ShareStore writes one at a time', () => {
  it('a record removed while an update of it is under way stays removed', async () => {
    const datastore = new MemoryDatastore()
    const store = new ShareStore(datastore, new Uint8Array(32).fill(7))
    const id = newShareId()
    await store.add({ id, fileId: 'f', cid: 'bafy', name: 'n', size: 1, type: '', createdAt: 1, link: 'l' })
    const update = store.update(id, { freed: true })
    const remove = store.remove(id)
    await assert.doesNotReject(update)
    assert.equal((await remove)?.freed, true, 'the remove saw the finished update')
    assert.equal(await store.get(id), undefined)
    assert.deepEqual(await store.list(), [])
  })
})
