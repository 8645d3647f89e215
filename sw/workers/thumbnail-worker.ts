/// <reference lib="webworker" />
import { THUMBNAIL_LONG_SIDE, thumbnailSize } from '../../core/vault/thumbnails/thumbnail-size.ts'
import { imageDimensions, smallEnoughToDecode } from '../../core/vault/thumbnails/image-dimensions.ts'
import type { ThumbnailJob, ThumbnailJobResult } from '../../core/rpc/thumbnail-worker-messages.ts'
import type { ThumbnailData } from '../../core/rpc/api-files.ts'

/**
 * Makes thumbnails off the UI thread: decode (createImageBitmap, EXIF
 * orientation applied), scale to ~256 px on the long side, encode as WebP
 * (JPEG where the browser cannot write WebP). One job at a time per worker;
 * the page keeps a small pool (web/thumbnails/thumbnail-maker.ts).
 */
const scope = self as unknown as DedicatedWorkerGlobalScope

const WEBP_QUALITY = 0.8
const JPEG_QUALITY = 0.82

/**
 * A file this large is a photo far wider than a thumbnail: decode it straight
 * to the thumbnail's width (the height follows the aspect), which skips
 * holding and filtering the full-size bitmap (measured ~25% less time per
 * 12 MP JPEG than decoding in full, then scaling). A smaller file might be
 * a small image, which must not be enlarged: decoded as it is.
 */
const DECODE_TO_WIDTH_FROM_BYTES = 1024 * 1024

async function decode (source: Blob | ImageBitmap): Promise<ImageBitmap | undefined> {
  if (!(source instanceof Blob)) return source
  // What the header claims, before a decoder trusts it: a small file may claim a picture of gigabytes (image-dimensions.ts).
  const declared = await imageDimensions(async (start, end) => new Uint8Array(await source.slice(start, end).arrayBuffer()))
  if (!smallEnoughToDecode(declared)) return undefined
  if (source.size < DECODE_TO_WIDTH_FROM_BYTES) return await createImageBitmap(source)
  return await createImageBitmap(source, { resizeWidth: THUMBNAIL_LONG_SIDE, resizeQuality: 'medium' })
}

async function make (source: Blob | ImageBitmap): Promise<ThumbnailData | undefined> {
  const full = await decode(source)
  if (full === undefined) return undefined
  try {
    const size = thumbnailSize(full.width, full.height)
    if (size === undefined) return undefined
    // createImageBitmap's resize filters the whole picture ('high'); a plain drawImage from 4000 px to 256 would alias.
    const small = size.width === full.width && size.height === full.height
      ? full
      : await createImageBitmap(full, { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'high' })
    const canvas = new OffscreenCanvas(size.width, size.height)
    const context = canvas.getContext('2d')
    if (context === null) { small.close(); return undefined }
    // Scaled again here in case a browser ignored the resize options (the bitmap is then full size).
    context.drawImage(small, 0, 0, size.width, size.height)
    if (small !== full) small.close()
    let blob = await canvas.convertToBlob({ type: 'image/webp', quality: WEBP_QUALITY })
    if (blob.type !== 'image/webp') blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY })
    if (blob.type !== 'image/jpeg' && blob.type !== 'image/webp') return undefined
    return { type: blob.type, width: size.width, height: size.height, bytes: new Uint8Array(await blob.arrayBuffer()) }
  } finally {
    full.close()
  }
}

scope.onmessage = (event: MessageEvent<ThumbnailJob>) => {
  const { id, source } = event.data
  make(source).then((thumbnail) => {
    const reply: ThumbnailJobResult = thumbnail === undefined ? { id, ok: false } : { id, ok: true, thumbnail }
    scope.postMessage(reply, thumbnail === undefined ? [] : [thumbnail.bytes.buffer as ArrayBuffer])
  }, () => {
    // A corrupt or unsupported image: no thumbnail, and nothing to tell the user.
    scope.postMessage({ id, ok: false } satisfies ThumbnailJobResult)
  })
}
