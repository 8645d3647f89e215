import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { imageDimensions, MAX_THUMBNAIL_SOURCE_PIXELS, smallEnoughToDecode, type ReadBytes } from '../../../core/vault/thumbnails/image-dimensions.ts'
import { makeBombPng, makePng } from '../../e2e/support/png.ts'

const reader = (bytes: Uint8Array): ReadBytes => async (start, end) => bytes.slice(start, end)
const sizeOf = async (bytes: Uint8Array): Promise<{ width: number, height: number } | undefined> => await imageDimensions(reader(bytes))
const bytes = (...parts: Array<number[] | string | Uint8Array>): Uint8Array => {
  const chunks = parts.map(p => typeof p === 'string' ? new TextEncoder().encode(p) : Uint8Array.from(p))
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) { out.set(c, at); at += c.length }
  return out
}
const u16be = (n: number): number[] => [n >> 8, n & 255]
const u16le = (n: number): number[] => [n & 255, n >> 8]
const u32be = (n: number): number[] => [n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255]
const u32le = (n: number): number[] => u32be(n).reverse()

describe('the size an image declares, read before decoding', () => {
  it('reads PNG, and finds a decompression bomb too large to decode', async () => {
    assert.deepEqual(await sizeOf(makePng(600, 400)), { width: 600, height: 400 })
    const bomb = makeBombPng(23_000, 23_000)
    assert.ok(bomb.length < 128 * 1024)
    const size = await sizeOf(bomb)
    assert.deepEqual(size, { width: 23_000, height: 23_000 })
    assert.equal(smallEnoughToDecode(size), false)
    assert.equal(smallEnoughToDecode({ width: 12_000, height: 9_000 }), true)
  })

  it('walks a JPEG past a large EXIF segment to its frame header', async () => {
    const exif = new Uint8Array(60_000)
    const jpeg = bytes([0xff, 0xd8], [0xff, 0xe1], u16be(exif.length + 2), exif, [0xff, 0xff, 0xc2], u16be(17), [8], u16be(3000), u16be(4000), new Uint8Array(12), [0xff, 0xda])
    assert.deepEqual(await sizeOf(jpeg), { width: 4000, height: 3000 })
    assert.equal(await sizeOf(jpeg.slice(0, 30_000)), undefined)
  })

  it('reads GIF, BMP and the three kinds of WebP', async () => {
    assert.deepEqual(await sizeOf(bytes('GIF89a', u16le(65_535), u16le(65_535), new Uint8Array(8))), { width: 65_535, height: 65_535 })
    assert.deepEqual(await sizeOf(bytes('BM', new Uint8Array(12), u32le(40), u32le(30_000), u32le(-30_000 >>> 0), new Uint8Array(20))), { width: 30_000, height: 30_000 })
    const riff = (chunk: string, body: number[]): Uint8Array => bytes('RIFF', u32le(100), 'WEBP', chunk, u32le(50), body, new Uint8Array(16))
    assert.deepEqual(await sizeOf(riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, ...u16le(640), ...u16le(480)])), { width: 640, height: 480 })
    const bits = (16_383 - 1) | ((16_383 - 1) << 14)
    assert.deepEqual(await sizeOf(riff('VP8L', [0x2f, ...u32le(bits)])), { width: 16_383, height: 16_383 })
    assert.deepEqual(await sizeOf(riff('VP8X', [0, 0, 0, 0, 0xff, 0xff, 0x00, 0x0f, 0x00, 0x00])), { width: 65_536, height: 16 })
  })

  it('reads AVIF/HEIF by its largest ispe box', async () => {
    const ispe = (w: number, h: number): number[] => [...u32be(20), ...'ispe'.split('').map(c => c.charCodeAt(0)), 0, 0, 0, 0, ...u32be(w), ...u32be(h)]
    const avif = bytes(u32be(24), 'ftypavif', new Uint8Array(12), ispe(512, 512), ispe(16_384, 16_384))
    assert.deepEqual(await sizeOf(avif), { width: 16_384, height: 16_384 })
  })

  it('knows nothing of other bytes, or of a header cut short', async () => {
    assert.equal(await sizeOf(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')), undefined)
    assert.equal(await sizeOf(makePng(10, 10).slice(0, 20)), undefined)
    assert.equal(smallEnoughToDecode(undefined), false)
    assert.equal(smallEnoughToDecode({ width: MAX_THUMBNAIL_SOURCE_PIXELS + 1, height: 1 }), false)
  })
})
