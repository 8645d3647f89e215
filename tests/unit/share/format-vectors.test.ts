import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { MemoryDatastore } from 'datastore-core/memory'
import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { sealSecret } from '../../../core/crypto/secretbox.ts'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { isCairnError, type ErrorCode } from '../../../core/errors.ts'
import { decodeFolderListing, encodeFolderListing, FOLDER_LISTING_VERSION, MAX_LISTING_BYTES, type FolderEntry } from '../../../core/share/folder-listing.ts'
import { ShareStore, type ShareRecord } from '../../../core/share/share-store.ts'
import { assertCode, fromHex, hex } from './helpers.ts'

const encoder = new TextEncoder()
const read = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../vectors/${name}`, import.meta.url), 'utf8'))

interface EntryVector { path: string, size: number, type: string, cid: string, key: string }
type Refused = { why: string, code: ErrorCode } & ({ text: string, padTo?: number } | { hex: string })

const listingVectors = read('folder-listing-v1.json') as {
  version: number
  listings: Array<{ title: string, entries: EntryVector[], listing: string, hex: string }>
  refused: Refused[]
}

function refusedBytes (r: Refused): Uint8Array {
  if ('hex' in r) return fromHex(r.hex)
  const text = encoder.encode(r.text)
  if (r.padTo === undefined) return text
  const out = new Uint8Array(r.padTo).fill(0x20)
  out.set(text)
  return out
}

describe('folder listing vectors (v1)', () => {
  it('are of the version this code writes', () => {
    assert.equal(listingVectors.version, 1)
    assert.equal(FOLDER_LISTING_VERSION, listingVectors.version)
  })

  for (const v of listingVectors.listings) {
    const entries = (): FolderEntry[] => v.entries.map(e => ({ path: e.path, size: e.size, type: e.type, cid: CID.parse(e.cid), key: fromHex(e.key) }))

    it(`${v.title}: made byte for byte from the fixed entries`, () => {
      const bytes = encodeFolderListing(entries())
      assert.equal(hex(bytes), v.hex)
      assert.equal(new TextDecoder().decode(bytes), v.listing)
    })

    it(`${v.title}: read back to the same entries`, () => {
      const decoded = decodeFolderListing(fromHex(v.hex))
      assert.deepEqual(decoded.map(e => ({ path: e.path, size: e.size, type: e.type, cid: e.cid.toString(), key: hex(e.key) })), v.entries)
      for (const e of decoded) assert.equal(e.cid.version, 1)
    })

    it(`${v.title}: the layout, checked with JSON and base64url directly`, () => {
      assert.equal(hex(encoder.encode(v.listing)), v.hex, 'the listing is its UTF-8 text')
      const json = JSON.parse(v.listing) as { v: number, files: Array<Record<string, unknown>> }
      assert.deepEqual(Object.keys(json), ['v', 'files'])
      assert.equal(json.v, 1)
      assert.equal(JSON.stringify(json), v.listing, 'compact JSON, no spaces')
      assert.equal(json.files.length, v.entries.length)
      for (const [i, file] of json.files.entries()) {
        const e = v.entries[i] as EntryVector
        assert.deepEqual(Object.keys(file), ['path', 'size', 'type', 'cid', 'key'])
        assert.deepEqual({ path: file.path, size: file.size, type: file.type, cid: file.cid }, { path: e.path, size: e.size, type: e.type, cid: e.cid })
        assert.match(String(file.key), /^[A-Za-z0-9_-]{43}$/, 'base64url without padding')
        assert.equal(hex(Buffer.from(String(file.key), 'base64url')), e.key)
      }
    })
  }

  it('holds a nested path, a non-ASCII name and an empty type', () => {
    const all = listingVectors.listings.flatMap(l => l.entries)
    assert.ok(all.some(e => e.path.split('/').length >= 3))
    assert.ok(all.some(e => /[^\x00-\x7f]/.test(e.path)))
    assert.ok(all.some(e => e.type === ''))
  })

  it('the damaged listings are all refused, each with its code', () => {
    assert.ok(listingVectors.refused.length >= 10)
    for (const r of listingVectors.refused) assertCode(() => decodeFolderListing(refusedBytes(r)), r.code, r.why)
    const codes = new Set(listingVectors.refused.map(r => r.code))
    assert.deepEqual([...codes].sort(), ['FORMAT_INVALID', 'UNSUPPORTED_VERSION'])
  })

  it('the over-long listing is refused for its size alone', () => {
    const long = listingVectors.refused.find(r => 'padTo' in r)
    assert.ok(long !== undefined && 'text' in long)
    const bytes = refusedBytes(long)
    assert.equal(bytes.length, MAX_LISTING_BYTES + 1)
    assert.doesNotThrow(() => JSON.parse(new TextDecoder().decode(bytes)), 'still valid JSON')
    assert.doesNotThrow(() => decodeFolderListing(encoder.encode(long.text)), 'valid without the padding')
  })
})

interface RecordVector { title: string, datastoreKey: string, aad: string, nonce: string, record: ShareRecord, plaintext: string, sealed: string }

const recordVectors = read('share-records-v1.json') as {
  vaultKey: string
  sealingKey: string
  records: RecordVector[]
  tampered: Array<{ why: string, datastoreKey: string, sealed: string, code: ErrorCode }>
}
const sealingKey = fromHex(recordVectors.sealingKey)
const PREFIX = '/cairn/shares/'

async function storeHolding (...entries: Array<{ datastoreKey: string, sealed: string }>): Promise<ShareStore> {
  const datastore = new MemoryDatastore()
  for (const e of entries) await datastore.put(new Key(e.datastoreKey), fromHex(e.sealed))
  return new ShareStore(datastore, deriveSubkey(fromHex(recordVectors.vaultKey), 'shares'))
}

describe('share record vectors (v1)', () => {
  it('the sealing key is the shares subkey of the vault key', () => {
    const vk = fromHex(recordVectors.vaultKey)
    assert.equal(hex(deriveSubkey(vk, 'shares')), recordVectors.sealingKey)
    assert.equal(hex(hkdf(sha256, vk, undefined, encoder.encode('cairn/v1/shares'), 32)), recordVectors.sealingKey)
  })

  for (const v of recordVectors.records) {
    it(`${v.title}: sealed byte for byte from the fixed record and nonce, and ShareStore writes the same plaintext`, async () => {
      assert.equal(JSON.stringify(v.record), v.plaintext)
      assert.equal(hex(sealSecret(sealingKey, encoder.encode(v.plaintext), encoder.encode(v.datastoreKey), fromHex(v.nonce))), v.sealed)
      // ShareStore's nonce is random, so its output is checked after opening.
      const datastore = new MemoryDatastore()
      await new ShareStore(datastore, sealingKey).add(v.record)
      const keys = []
      for await (const key of datastore.queryKeys({})) keys.push(key.toString())
      assert.deepEqual(keys, [v.datastoreKey])
      const written = await datastore.get(new Key(v.datastoreKey))
      assert.equal(written.length, v.sealed.length / 2)
      assert.equal(written[0], 1)
      const plain = xchacha20poly1305(sealingKey, written.subarray(1, 25), encoder.encode(v.datastoreKey)).decrypt(written.subarray(25))
      assert.equal(new TextDecoder().decode(plain), v.plaintext)
    })

    it(`${v.title}: opened by ShareStore to the same record`, async () => {
      const store = await storeHolding(v)
      assert.deepEqual(await store.get(v.record.id), v.record)
      assert.deepEqual(await store.list(), [v.record])
    })

    it(`${v.title}: the layout, checked with the primitives directly`, () => {
      assert.equal(v.datastoreKey, PREFIX + v.record.id)
      assert.match(v.record.id, /^[0-9a-f]{32}$/)
      assert.equal(v.aad, hex(encoder.encode(v.datastoreKey)))
      const sealed = fromHex(v.sealed)
      assert.equal(sealed[0], 1) // secretbox version
      assert.equal(hex(sealed.subarray(1, 25)), v.nonce)
      assert.equal(sealed.length, 1 + 24 + encoder.encode(v.plaintext).length + 16)
      const key = hkdf(sha256, fromHex(recordVectors.vaultKey), undefined, encoder.encode('cairn/v1/shares'), 32)
      const plain = xchacha20poly1305(key, fromHex(v.nonce), fromHex(v.aad)).decrypt(sealed.subarray(25))
      assert.equal(new TextDecoder('utf-8', { fatal: true }).decode(plain), v.plaintext)
      assert.deepEqual(JSON.parse(v.plaintext), v.record)
    })
  }

  it('hold a file share with an expiry and a folder share with its folder, file count, roots and blocks', () => {
    const records = recordVectors.records.map(v => v.record)
    assert.ok(records.some(r => r.folder === undefined && r.expiresAt !== undefined && r.blocks !== undefined))
    const folder = records.find(r => r.folder !== undefined)
    assert.ok(folder !== undefined)
    assert.equal(folder.fileId, '')
    assert.ok(typeof folder.fileCount === 'number' && folder.fileCount > 0)
    assert.equal(folder.roots?.[0], folder.cid)
    assert.ok((folder.roots?.length ?? 0) === folder.fileCount + 1)
    assert.ok((folder.blocks?.length ?? 0) > 0)
  })

  it('all records in one store are listed newest first', async () => {
    const store = await storeHolding(...recordVectors.records)
    const expected = recordVectors.records.map(v => v.record).sort((a, b) => b.createdAt - a.createdAt)
    assert.deepEqual(await store.list(), expected)
  })

  it('the tampered records are all refused with SHARE_RECORD_TAMPERED by get, and counted as damaged (not listed) by survey', async () => {
    assert.ok(recordVectors.tampered.length >= 5)
    for (const t of recordVectors.tampered) {
      assert.equal(t.code, 'SHARE_RECORD_TAMPERED')
      const store = await storeHolding(t)
      const refused = (err: unknown): boolean => isCairnError(err, t.code)
      await assert.rejects(store.get(t.datastoreKey.slice(PREFIX.length)), refused, `get: ${t.why}`)
      assert.deepEqual(await store.survey(), { records: [], damaged: 1 }, `survey: ${t.why}`)
    }
  })
})
