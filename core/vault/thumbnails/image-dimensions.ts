/**
 * The size an image file declares in its header, read before anything decodes
 * it: a few KiB of PNG can claim 23,000 × 23,000 pixels, which a decoder turns
 * into 2 GiB of memory. The thumbnail worker (sw/workers/thumbnail-worker.ts)
 * decodes only what it recognises here and finds small enough.
 *
 * Formats are told by their bytes, not by the file's type (which whoever sent
 * the file chose), since the browser's decoder goes by the bytes too: PNG,
 * JPEG, GIF, WebP, BMP and AVIF/HEIF. Anything else is undefined.
 */

/** Most pixels an image may have for a thumbnail to be made of it: a 108 MP phone photo fits; RGBA, ~480 MB decoded. */
export const MAX_THUMBNAIL_SOURCE_PIXELS = 120_000_000

/** Reads bytes [start, end) of the file (fewer at its end). */
export type ReadBytes = (start: number, end: number) => Promise<Uint8Array>

export interface ImageDimensions { width: number, height: number }

const HEAD_BYTES = 64 * 1024
/** How far into a JPEG its frame header is looked for (EXIF and ICC segments come first; each is at most 64 KiB). */
const JPEG_SEARCH_BYTES = 4 * 1024 * 1024
/** How far into an AVIF/HEIF file its image sizes (`ispe` boxes, in the `meta` box at its start) are looked for. */
const HEIF_SEARCH_BYTES = 256 * 1024

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0): boolean => prefix.every((b, i) => bytes[at + i] === b)
const ascii = (bytes: Uint8Array, at: number, length: number): string => String.fromCharCode(...bytes.subarray(at, at + length))
const view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)

/** The declared size of the image `read` gives, or undefined when it is no format named above (or is cut short). */
export async function imageDimensions (read: ReadBytes): Promise<ImageDimensions | undefined> {
  const head = await read(0, HEAD_BYTES)
  try {
    if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) && ascii(head, 12, 4) === 'IHDR') {
      return { width: view(head).getUint32(16), height: view(head).getUint32(20) }
    }
    if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') {
      return { width: view(head).getUint16(6, true), height: view(head).getUint16(8, true) }
    }
    if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return webp(head)
    if (ascii(head, 0, 2) === 'BM') return bmp(head)
    if (startsWith(head, [0xff, 0xd8, 0xff])) return await jpeg(read)
    if (ascii(head, 4, 4) === 'ftyp') return heif(await read(0, HEIF_SEARCH_BYTES))
  } catch (err) {
    // A header cut short: a DataView read past its end.
    if (err instanceof RangeError) return undefined
    throw err
  }
  return undefined
}

/** True when the image declares a size a thumbnail may be made from. */
export function smallEnoughToDecode (size: ImageDimensions | undefined): boolean {
  return size !== undefined && size.width >= 1 && size.height >= 1 && size.width * size.height <= MAX_THUMBNAIL_SOURCE_PIXELS
}

function webp (head: Uint8Array): ImageDimensions | undefined {
  const data = view(head)
  switch (ascii(head, 12, 4)) {
    case 'VP8 ': return { width: data.getUint16(26, true) & 0x3fff, height: data.getUint16(28, true) & 0x3fff }
    case 'VP8L': {
      const bits = data.getUint32(21, true)
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 }
    }
    case 'VP8X': {
      const u24 = (at: number): number => (head[at] as number) | ((head[at + 1] as number) << 8) | ((head[at + 2] as number) << 16)
      if (head.length < 30) return undefined
      return { width: u24(24) + 1, height: u24(27) + 1 }
    }
    default: return undefined
  }
}

function bmp (head: Uint8Array): ImageDimensions | undefined {
  const data = view(head)
  const infoSize = data.getUint32(14, true)
  if (infoSize === 12) return { width: data.getUint16(18, true), height: data.getUint16(20, true) }
  if (infoSize < 40) return undefined
  return { width: Math.abs(data.getInt32(18, true)), height: Math.abs(data.getInt32(22, true)) }
}

/** Walks the JPEG's segments to its frame header (SOF0–SOF15, not DHT, JPG or DAC). */
async function jpeg (read: ReadBytes): Promise<ImageDimensions | undefined> {
  let at = 2
  while (at < JPEG_SEARCH_BYTES) {
    const segment = await read(at, at + 9)
    if (segment.length < 4 || segment[0] !== 0xff) return undefined
    const marker = segment[1] as number
    // Fill bytes before a marker.
    if (marker === 0xff) { at++; continue }
    // Markers with no length: TEM, RST0–7; SOI/EOI/SOS mean no frame header came first.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { at += 2; continue }
    if (marker === 0xd8 || marker === 0xd9 || marker === 0xda) return undefined
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (segment.length < 9) return undefined
      return { width: view(segment).getUint16(7), height: view(segment).getUint16(5) }
    }
    const length = view(segment).getUint16(2)
    if (length < 2) return undefined
    at += 2 + length
  }
  return undefined
}

/** AVIF/HEIF: the largest `ispe` (image spatial extents) box, which a grid image's full size is one of. */
function heif (bytes: Uint8Array): ImageDimensions | undefined {
  let best: ImageDimensions | undefined
  for (let at = bytes.indexOf(0x69); at !== -1 && at + 16 <= bytes.length; at = bytes.indexOf(0x69, at + 1)) {
    if (ascii(bytes, at, 4) !== 'ispe') continue
    const width = view(bytes).getUint32(at + 8)
    const height = view(bytes).getUint32(at + 12)
    if (best === undefined || width * height > best.width * best.height) best = { width, height }
  }
  return best
}
