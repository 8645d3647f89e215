import { createThumbnailMaker } from '../../../web/thumbnails/thumbnail-maker.ts'

/** What one run of `ui.thumbnails.100` measured, in the page. */
export interface ThumbnailsRun {
  seconds: number
  made: number
  /** Longest gap between two ticks of a 10 ms timer on the page while they were made: the UI thread's worst stall. */
  maxStallMs: number
  sourceMB: number
}

/**
 * One 4000 × 3000 JPEG with photo-like detail (noise over gradients), made
 * once; the photos are copies that differ in a JPEG comment (COM) segment, so
 * each is a distinct Blob decoded in full, without re-encoding 100 times.
 */
async function makePhoto (): Promise<Uint8Array<ArrayBuffer>> {
  const width = 4000
  const height = 3000
  const canvas = new OffscreenCanvas(width, height)
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D
  const gradient = context.createLinearGradient(0, 0, width, height)
  gradient.addColorStop(0, '#2f6b5e')
  gradient.addColorStop(1, '#e8c170')
  context.fillStyle = gradient
  context.fillRect(0, 0, width, height)
  const noise = context.getImageData(0, 0, width, height)
  const random = new Uint8Array(65536)
  for (let i = 0; i < noise.data.length; i += 4) {
    if (i % 262144 === 0) crypto.getRandomValues(random)
    const n = (random[(i >> 2) & 65535] as number) - 128
    noise.data[i] = Math.max(0, Math.min(255, (noise.data[i] as number) + (n >> 2)))
    noise.data[i + 1] = Math.max(0, Math.min(255, (noise.data[i + 1] as number) + (n >> 3)))
  }
  context.putImageData(noise, 0, 0)
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 })
  return new Uint8Array(await blob.arrayBuffer())
}

function withComment (jpeg: Uint8Array<ArrayBuffer>, text: string): Blob {
  const body = new TextEncoder().encode(text)
  const segment = new Uint8Array(4 + body.length)
  segment.set([0xff, 0xfe, (body.length + 2) >> 8, (body.length + 2) & 255])
  segment.set(body, 4)
  // After SOI (FF D8): a comment segment carries no pixels.
  return new Blob([jpeg.subarray(0, 2), segment, jpeg.subarray(2)], { type: 'image/jpeg' })
}

/** Makes `count` thumbnails of 4000 × 3000 photos with the app's own maker (a pool of workers), and times it. */
export async function runThumbnails (count: number): Promise<ThumbnailsRun> {
  const jpeg = await makePhoto()
  const photos = Array.from({ length: count }, (_, i) => withComment(jpeg, `photo ${i}`))
  const maker = createThumbnailMaker()
  // Start the workers before the clock: a user's first upload pays this once.
  await maker.make(withComment(jpeg, 'warm-up'))
  let last = performance.now()
  let maxStallMs = 0
  const ticker = setInterval(() => {
    const now = performance.now()
    maxStallMs = Math.max(maxStallMs, now - last)
    last = now
  }, 10)
  // run.ts counts the browser's CPU time between these two marks (thumbnails-bench.ts).
  const mark = (globalThis as unknown as { __thumbnailsMark?: (phase: 'start' | 'stop') => Promise<void> }).__thumbnailsMark
  await mark?.('start')
  const started = performance.now()
  const made = await Promise.all(photos.map(async photo => await maker.make(photo)))
  const seconds = (performance.now() - started) / 1000
  await mark?.('stop')
  clearInterval(ticker)
  maker.close()
  return { seconds, made: made.filter(t => t !== undefined).length, maxStallMs, sourceMB: jpeg.length / 1e6 }
}
