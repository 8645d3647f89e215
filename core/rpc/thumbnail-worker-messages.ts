import type { ThumbnailData } from './api-files.ts'

/**
 * The page ↔ thumbnail worker contract (sw/workers/thumbnail-worker.ts): the
 * page hands over an image (a Blob, or a video frame as an ImageBitmap); the
 * worker decodes, scales and encodes it off the UI thread.
 */
export interface ThumbnailJob {
  id: number
  source: Blob | ImageBitmap
}

/** A made thumbnail, or `ok: false` when the image would not decode (nothing else is said: no toast, no log of the file). */
export type ThumbnailJobResult = { id: number, ok: true, thumbnail: ThumbnailData } | { id: number, ok: false }
