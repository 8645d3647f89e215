import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { isCairnError } from '../../../core/errors.ts'
import { MAX_THUMBNAIL_BYTES, openThumbnail, sealThumbnail, type Thumbnail } from '../../../core/vault/thumbnails/thumbnail-record.ts'
import { ThumbnailStore } from '../../../core/vault/thumbnails/thumbnail-store.ts'
import { thumbnailSize } from '../../../core/vault/thumbnails/thumbnail-size.ts'

const FILE_KEY = new Uint8Array(32).fill(7)
const OTHER_KEY = new Uint8Array(32).fill(8)
const CID_A = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const CID_B = 'bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4'
const NONCE = new Uint8Array(24).fill(1)
const THUMB: Thumbnail = { type: 'image/webp', width: 256, height: 192, bytes: new Uint8Array([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4]) }

function refused (fn: () => unknown): void {
  assert.throws(fn, (err: unknown) => isCairnError(err, 'THUMBNAIL_INVALID'))
}

describe('thumbnail record', () => {
  it('round-trips and carries no plaintext', () => {
    const sealed = sealThumbnail(FILE_KEY, CID_A, THUMB)
    assert.deepEqual(openThumbnail(FILE_KEY, CID_A, sealed), THUMB)
    assert.deepEqual([...sealed.subarray(0, 4)], [0x43, 0x54, 0x48, 0x42])
    const text = Buffer.from(sealed).toString('latin1')
    assert.ok(!text.includes('RIFF'))
  })

  it('is fixed for a fixed nonce (a test vector)', () => {
    const a = sealThumbnail(FILE_KEY, CID_A, THUMB, NONCE)
    const b = sealThumbnail(FILE_KEY, CID_A, THUMB, NONCE)
    assert.deepEqual(a, b)
    // magic 4 + secretbox version 1 + nonce 24 + (header 6 + image 8) + tag 16
    assert.equal(a.length, 4 + 1 + 24 + 6 + 8 + 16)
  })

  it('refuses every changed byte', () => {
    const sealed = sealThumbnail(FILE_KEY, CID_A, THUMB)
    for (let i = 0; i < sealed.length; i++) {
      const tampered = sealed.slice()
      tampered[i] = (tampered[i] as number) ^ 0x01
      refused(() => openThumbnail(FILE_KEY, CID_A, tampered))
    }
  })

  it('refuses a record cut short or grown', () => {
    const sealed = sealThumbnail(FILE_KEY, CID_A, THUMB)
    for (const length of [0, 3, 4, 20, 44, sealed.length - 1]) refused(() => openThumbnail(FILE_KEY, CID_A, sealed.subarray(0, length)))
    const longer = new Uint8Array(sealed.length + 1)
    longer.set(sealed)
    refused(() => openThumbnail(FILE_KEY, CID_A, longer))
  })

  it("refuses another file's key and another content's CID", () => {
    const sealed = sealThumbnail(FILE_KEY, CID_A, THUMB)
    refused(() => openThumbnail(OTHER_KEY, CID_A, sealed))
    refused(() => openThumbnail(FILE_KEY, CID_B, sealed))
  })

  it('seals only small WebP or JPEG images', () => {
    refused(() => sealThumbnail(FILE_KEY, CID_A, { ...THUMB, type: 'image/png' as Thumbnail['type'] }))
    refused(() => sealThumbnail(FILE_KEY, CID_A, { ...THUMB, width: 0 }))
    refused(() => sealThumbnail(FILE_KEY, CID_A, { ...THUMB, height: 513 }))
    refused(() => sealThumbnail(FILE_KEY, CID_A, { ...THUMB, bytes: new Uint8Array(0) }))
    refused(() => sealThumbnail(FILE_KEY, CID_A, { ...THUMB, bytes: new Uint8Array(MAX_THUMBNAIL_BYTES + 1) }))
  })
})

interface VectorCase { fileKey: string, contentCid: string, nonce: string, type: Thumbnail['type'], width: number, height: number, image: string, sealed: string }
const VECTORS = JSON.parse(readFileSync(new URL('../../vectors/thumbnail-record-v1.json', import.meta.url), 'utf8')) as { cases: VectorCase[] }
const unhex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'))

describe('thumbnail record vectors (v1)', () => {
  for (const [i, v] of VECTORS.cases.entries()) {
    it(`case ${i}: seals to the vector, opens back, and matches the layout built by hand`, () => {
      const thumb: Thumbnail = { type: v.type, width: v.width, height: v.height, bytes: unhex(v.image) }
      const sealed = sealThumbnail(unhex(v.fileKey), v.contentCid, thumb, unhex(v.nonce))
      assert.equal(Buffer.from(sealed).toString('hex'), v.sealed)
      assert.deepEqual(openThumbnail(unhex(v.fileKey), v.contentCid, unhex(v.sealed)), thumb)
      // The same bytes from the primitives, following the format's description.
      const key = hkdf(sha256, unhex(v.fileKey), undefined, new TextEncoder().encode('cairn/v1/thumbnail'), 32)
      const magic = new TextEncoder().encode('CTHB')
      const aad = new Uint8Array([...magic, ...new TextEncoder().encode(`cairn/v1/thumbnail|${v.contentCid}`)])
      const plain = new Uint8Array([1, v.type === 'image/webp' ? 1 : 2, v.width >> 8, v.width & 255, v.height >> 8, v.height & 255, ...unhex(v.image)])
      const box = xchacha20poly1305(key, unhex(v.nonce), aad).encrypt(plain)
      assert.equal(Buffer.from([...magic, 1, ...unhex(v.nonce), ...box]).toString('hex'), v.sealed)
    })
  }
})

describe('thumbnail store', () => {
  it('keeps one sealed block per content, drops a damaged one, forgets with the content', async () => {
    const blockstore = new MemoryBlockstore()
    const datastore = new MemoryDatastore()
    const store = new ThumbnailStore(blockstore, datastore)
    const of = { contentCid: CID_A, fileKey: FILE_KEY }
    assert.equal(await store.get(of), undefined)
    await store.put(of, THUMB)
    assert.deepEqual(await store.get(of), THUMB)
    assert.equal(await store.get({ contentCid: CID_B, fileKey: FILE_KEY }), undefined)
    // A thumbnail read with another key fails to open: dropped, so a fresh one gets made.
    assert.equal(await store.get({ contentCid: CID_A, fileKey: OTHER_KEY }), undefined)
    assert.equal(await store.has(CID_A), false)
    await store.put(of, THUMB)
    // Content that would not decode is remembered as such, and forgotten with it too.
    await store.markUnmakeable(CID_B)
    assert.equal(await store.get({ contentCid: CID_B, fileKey: FILE_KEY }), 'none')
    assert.equal(await store.forget([CID_A, CID_B]), 2)
    assert.equal(await store.has(CID_B), false)
    assert.equal(await store.has(CID_A), false)
    let blocks = 0
    for await (const _ of blockstore.getAll()) blocks++
    assert.equal(blocks, 0)
  })
})

describe('thumbnail size', () => {
  it('scales the long side to 256 px and keeps the aspect', () => {
    assert.deepEqual(thumbnailSize(4000, 3000), { width: 256, height: 192 })
    assert.deepEqual(thumbnailSize(3000, 4000), { width: 192, height: 256 })
    assert.deepEqual(thumbnailSize(1000, 1000), { width: 256, height: 256 })
  })

  it('never enlarges, never goes below 1 px, and refuses what is not a picture', () => {
    assert.deepEqual(thumbnailSize(100, 50), { width: 100, height: 50 })
    assert.deepEqual(thumbnailSize(10000, 10), { width: 256, height: 1 })
    assert.equal(thumbnailSize(0, 10), undefined)
    assert.equal(thumbnailSize(Number.NaN, 10), undefined)
    assert.deepEqual(thumbnailSize(640, 480, 128), { width: 128, height: 96 })
  })
})
