/**
 * Reading a QR code from camera frames: the browser's BarcodeDetector where
 * it has one that reads QR codes, else jsQR (a JS decoder, loaded only when
 * a scan starts) on a canvas copy of the frame. Chromium on Linux has no
 * BarcodeDetector (DESIGN §9).
 */

/** Reads one frame of the video; undefined when no QR code is in it. */
export type FrameDecoder = (video: HTMLVideoElement) => Promise<string | undefined>

/** The shape of jsQR's default export. */
export type JsQr = (data: Uint8ClampedArray, width: number, height: number, options?: { inversionAttempts?: 'dontInvert' | 'onlyInvert' | 'attemptBoth' | 'invertFirst' }) => { data: string } | null

/** The BarcodeDetector API (not in TypeScript's DOM types yet). */
interface BarcodeDetectorLike {
  detect: (source: CanvasImageSource) => Promise<Array<{ rawValue: string }>>
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorLike
  getSupportedFormats?: () => Promise<string[]>
}

/** The text of the QR code in RGBA pixels, if there is one (jsQR; no DOM needed). */
export function decodePixels (jsQr: JsQr, rgba: Uint8ClampedArray, width: number, height: number): string | undefined {
  // Screens photographed by a camera are dark on light; codes drawn light on dark exist too.
  const found = jsQr(rgba, width, height, { inversionAttempts: 'attemptBoth' })
  return found === null || found.data === '' ? undefined : found.data
}

export async function createFrameDecoder (): Promise<FrameDecoder> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector
  if (Detector !== undefined) {
    const formats = await Detector.getSupportedFormats?.().catch(() => []) ?? []
    if (formats.includes('qr_code')) {
      const detector = new Detector({ formats: ['qr_code'] })
      return async (video) => (await detector.detect(video)).find(code => code.rawValue !== '')?.rawValue
    }
  }
  const jsQr: JsQr = (await import('jsqr')).default
  const canvas = document.createElement('canvas')
  const context = canvas.getContext('2d', { willReadFrequently: true })
  if (context === null) throw new Error('no 2D canvas')
  return async (video) => {
    const width = video.videoWidth
    const height = video.videoHeight
    if (width === 0 || height === 0) return undefined
    if (canvas.width !== width) canvas.width = width
    if (canvas.height !== height) canvas.height = height
    context.drawImage(video, 0, 0, width, height)
    return decodePixels(jsQr, context.getImageData(0, 0, width, height).data, width, height)
  }
}

/** Why the camera could not be used, in words (DOMException names from getUserMedia). */
export function cameraErrorWords (err: unknown): string {
  const name = typeof err === 'object' && err !== null && 'name' in err ? String((err as { name: unknown }).name) : ''
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return "Cairn isn't allowed to use the camera. Allow it in the browser's site settings, or paste the link or type the code instead."
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'This device has no camera Cairn can use. Paste the link or type the code instead.'
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera is busy in another app. Close it there and try again, or paste the link or type the code instead.'
    default:
      return "The camera couldn't be started. Paste the link or type the code instead."
  }
}
