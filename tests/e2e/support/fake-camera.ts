import { writeFileSync } from 'node:fs'
import { create } from 'qrcode'

/** Light modules around the code, as the QR spec asks (scanners find its edges by them). */
const QUIET_ZONE = 4
const WIDTH = 640
const HEIGHT = 480

/**
 * Writes a one-frame Y4M video (4:2:0, grey) showing the QR code of `text`,
 * centred, dark on light: what Chromium plays as the camera with
 * `--use-file-for-fake-video-capture` (DESIGN §9). One frame is enough; the
 * fake camera repeats it.
 */
export function writeQrStill (text: string, path: string): void {
  const { modules } = create(text, { errorCorrectionLevel: 'M' })
  const side = modules.size + 2 * QUIET_ZONE
  const scale = Math.floor(Math.min(WIDTH, HEIGHT) / side)
  if (scale < 2) throw new Error(`text too long for a ${WIDTH}x${HEIGHT} QR still (${modules.size} modules)`)
  const left = Math.floor((WIDTH - modules.size * scale) / 2)
  const top = Math.floor((HEIGHT - modules.size * scale) / 2)
  // Luma: 235 (light) everywhere, 16 (dark) on dark modules; chroma neutral (128): a grey picture.
  const luma = Buffer.alloc(WIDTH * HEIGHT, 235)
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.data[row * modules.size + col] === 0) continue
      for (let dy = 0; dy < scale; dy++) luma.fill(16, (top + row * scale + dy) * WIDTH + left + col * scale, (top + row * scale + dy) * WIDTH + left + (col + 1) * scale)
    }
  }
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128)
  writeFileSync(path, Buffer.concat([
    Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`, 'latin1'),
    Buffer.from('FRAME\n', 'latin1'),
    luma,
    chroma
  ]))
}

/** Chromium flags for a fake camera that plays `file` and needs no permission prompt. */
export function fakeCameraArgs (file: string): string[] {
  return ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${file}`]
}
