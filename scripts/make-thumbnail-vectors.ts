/**
 * Writes tests/vectors/thumbnail-record-v1.json: sealed thumbnail records
 * (core/vault/thumbnails/thumbnail-record.ts) for fixed file keys, content
 * CIDs and nonces. Run once per format version: `npx tsx scripts/make-thumbnail-vectors.ts`.
 */
import { writeFileSync } from 'node:fs'
import { sealThumbnail, type Thumbnail } from '../core/vault/thumbnails/thumbnail-record.ts'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const filled = (length: number, value: number): Uint8Array => new Uint8Array(length).fill(value)

const cases: Array<{ fileKey: Uint8Array, contentCid: string, nonce: Uint8Array, thumbnail: Thumbnail }> = [
  {
    fileKey: filled(32, 0x11),
    contentCid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
    nonce: filled(24, 0x22),
    thumbnail: { type: 'image/webp', width: 256, height: 171, bytes: new TextEncoder().encode('RIFF....WEBPVP8 a tiny stand-in') }
  },
  {
    fileKey: Uint8Array.from({ length: 32 }, (_, i) => i),
    contentCid: 'bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4',
    nonce: Uint8Array.from({ length: 24 }, (_, i) => 255 - i),
    thumbnail: { type: 'image/jpeg', width: 192, height: 256, bytes: Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0xff, 0xd9]) }
  }
]

writeFileSync(new URL('../tests/vectors/thumbnail-record-v1.json', import.meta.url), JSON.stringify({
  description: "Thumbnail record v1: 'CTHB' ‖ secretbox(HKDF-SHA256(fileKey, info 'cairn/v1/thumbnail'), nonce, aad = 'CTHB' ‖ 'cairn/v1/thumbnail|<contentCid>', 0x01 ‖ format (1 WebP, 2 JPEG) ‖ width u16be ‖ height u16be ‖ image).",
  cases: cases.map(c => ({
    fileKey: hex(c.fileKey),
    contentCid: c.contentCid,
    nonce: hex(c.nonce),
    type: c.thumbnail.type,
    width: c.thumbnail.width,
    height: c.thumbnail.height,
    image: hex(c.thumbnail.bytes),
    sealed: hex(sealThumbnail(c.fileKey, c.contentCid, c.thumbnail, c.nonce))
  }))
}, null, 2) + '\n')
