/** The long side of a thumbnail, in pixels: sharp in a 128 px grid cell on a 2× screen. */
export const THUMBNAIL_LONG_SIDE = 256

/**
 * The size a `width` × `height` image is scaled to for its thumbnail: the
 * long side at most `longSide`, the aspect kept (rounded), never enlarged,
 * never below 1 px. Undefined for a size that is not a picture (0, negative,
 * not finite).
 */
export function thumbnailSize (width: number, height: number, longSide = THUMBNAIL_LONG_SIDE): { width: number, height: number } | undefined {
  if (!Number.isFinite(width) || !Number.isFinite(height) || width < 1 || height < 1) return undefined
  const scale = Math.min(1, longSide / Math.max(width, height))
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale))
  }
}
