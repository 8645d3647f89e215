import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { openSecret, sealSecret, SECRETBOX_OVERHEAD } from '../../crypto/secretbox.ts'
import { CairnError } from '../../errors.ts'

/**
 * A file's thumbnail as stored: one small raw block beside the file's own
 * blocks, sealed under a key derived from the file's key (so whoever can open
 * the file can open its thumbnail, and nobody else), bound to the content it
 * shows by that content's CID.
 *
 * Sealed form: `CTHB` ‖ secretbox(version ‖ format ‖ width u16 ‖ height u16 ‖ image).
 * Associated data: `CTHB` ‖ `cairn/v1/thumbnail|<content CID>`, so a thumbnail
 * cannot be passed off as another file's, nor as another version's.
 */

export const THUMBNAIL_MAGIC = new Uint8Array([0x43, 0x54, 0x48, 0x42]) // "CTHB"
export const THUMBNAIL_VERSION = 1
/** Largest edge a stored thumbnail may have (they are made at ~256 px). */
export const MAX_THUMBNAIL_EDGE = 512
/** Largest encoded image a record may hold: a 256 px WebP is a few KiB, a JPEG some tens. */
export const MAX_THUMBNAIL_BYTES = 128 * 1024

const FORMATS = ['image/webp', 'image/jpeg'] as const
export type ThumbnailType = typeof FORMATS[number]

/** A thumbnail in the clear: an encoded image and its size in pixels. */
export interface Thumbnail {
  type: ThumbnailType
  width: number
  height: number
  bytes: Uint8Array
}

const HEADER_BYTES = 6
const encoder = new TextEncoder()

/** The key thumbnails of one file are sealed under: HKDF-SHA256 of the file key, its own purpose. */
export function thumbnailKey (fileKey: Uint8Array): Uint8Array {
  return hkdf(sha256, fileKey, undefined, encoder.encode('cairn/v1/thumbnail'), 32)
}

function aadFor (contentCid: string): Uint8Array {
  const label = encoder.encode(`cairn/v1/thumbnail|${contentCid}`)
  const out = new Uint8Array(THUMBNAIL_MAGIC.length + label.length)
  out.set(THUMBNAIL_MAGIC)
  out.set(label, THUMBNAIL_MAGIC.length)
  return out
}

function invalid (message: string): CairnError {
  return new CairnError('THUMBNAIL_INVALID', message)
}

/** Throws THUMBNAIL_INVALID unless `thumb` is a small image Cairn stores. */
export function checkThumbnail (thumb: Thumbnail): void {
  if (!(FORMATS as readonly string[]).includes(thumb.type)) throw invalid('a thumbnail is WebP or JPEG')
  for (const edge of [thumb.width, thumb.height]) {
    if (!Number.isInteger(edge) || edge < 1 || edge > MAX_THUMBNAIL_EDGE) throw invalid(`a thumbnail's edges are 1 to ${MAX_THUMBNAIL_EDGE} px`)
  }
  if (!(thumb.bytes instanceof Uint8Array) || thumb.bytes.length === 0 || thumb.bytes.length > MAX_THUMBNAIL_BYTES) throw invalid(`a thumbnail is 1 byte to ${MAX_THUMBNAIL_BYTES / 1024} KiB`)
}

/** Seals `thumb` for the content `contentCid` of a file whose key is `fileKey`. `nonce`: only for test vectors. */
export function sealThumbnail (fileKey: Uint8Array, contentCid: string, thumb: Thumbnail, nonce?: Uint8Array): Uint8Array {
  checkThumbnail(thumb)
  const plain = new Uint8Array(HEADER_BYTES + thumb.bytes.length)
  const view = new DataView(plain.buffer)
  plain[0] = THUMBNAIL_VERSION
  plain[1] = FORMATS.indexOf(thumb.type) + 1
  view.setUint16(2, thumb.width)
  view.setUint16(4, thumb.height)
  plain.set(thumb.bytes, HEADER_BYTES)
  const key = thumbnailKey(fileKey)
  try {
    const sealed = sealSecret(key, plain, aadFor(contentCid), ...(nonce !== undefined ? [nonce] : []))
    const out = new Uint8Array(THUMBNAIL_MAGIC.length + sealed.length)
    out.set(THUMBNAIL_MAGIC)
    out.set(sealed, THUMBNAIL_MAGIC.length)
    return out
  } finally {
    key.fill(0)
  }
}

/** Opens a sealed thumbnail of `contentCid`; anything changed, cut short or of another file throws THUMBNAIL_INVALID. */
export function openThumbnail (fileKey: Uint8Array, contentCid: string, record: Uint8Array): Thumbnail {
  if (record.length < THUMBNAIL_MAGIC.length + SECRETBOX_OVERHEAD + HEADER_BYTES + 1) throw invalid('the thumbnail record is cut short')
  if (!THUMBNAIL_MAGIC.every((b, i) => record[i] === b)) throw invalid('not a thumbnail record')
  const key = thumbnailKey(fileKey)
  let plain: Uint8Array
  try {
    plain = openSecret(key, record.subarray(THUMBNAIL_MAGIC.length), aadFor(contentCid), 'THUMBNAIL_INVALID')
  } finally {
    key.fill(0)
  }
  if (plain[0] !== THUMBNAIL_VERSION) throw invalid(`unknown thumbnail version ${String(plain[0])}`)
  const type = FORMATS[(plain[1] ?? 0) - 1]
  if (type === undefined) throw invalid('unknown thumbnail image format')
  const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength)
  const thumb = { type, width: view.getUint16(2), height: view.getUint16(4), bytes: plain.slice(HEADER_BYTES) }
  checkThumbnail(thumb)
  return thumb
}
