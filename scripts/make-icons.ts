/**
 * Draws Cairn's icons (three stacked stones on the theme colour) into
 * public/icons/ as PNGs, and the matching public/favicon.svg. Pure Node: the
 * shapes are rasterised with 4×4 supersampling and written with zlib, so no
 * image tool is needed. Run after changing the mark, then commit the files:
 *
 *   npx tsx scripts/make-icons.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { crc32, deflateSync } from 'node:zlib'

/** manifest.webmanifest theme_color and the page background colour. */
const THEME = [0x2f, 0x6b, 0x5e] as const
const STONE = [0xf7, 0xf6, 0xf2] as const

/** The mark on a 64-unit grid (the same numbers as web/components/cairn-mark.tsx). */
export const STONES = [
  { cx: 32, cy: 46.5, rx: 22, ry: 8 },
  { cx: 32, cy: 29.5, rx: 16, ry: 7 },
  { cx: 32, cy: 15, rx: 10, ry: 5.5 }
] as const

interface IconSpec {
  file: string
  size: number
  /** Fraction of the icon the 64-unit grid covers (the mark's scale). */
  markScale: number
  /** Corner radius of the background as a fraction of the size; 0 = full bleed. */
  corner: number
}

const ICONS: IconSpec[] = [
  { file: 'icon-192.png', size: 192, markScale: 0.82, corner: 0.22 },
  { file: 'icon-512.png', size: 512, markScale: 0.82, corner: 0.22 },
  // Maskable: full-bleed background, mark inside the central 80% safe zone.
  { file: 'icon-maskable-512.png', size: 512, markScale: 0.62, corner: 0 }
]

const SAMPLES = 4

function insideRoundedSquare (x: number, y: number, size: number, radius: number): boolean {
  if (radius <= 0) return true
  const cx = Math.min(Math.max(x, radius), size - radius)
  const cy = Math.min(Math.max(y, radius), size - radius)
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2
}

function insideMark (x: number, y: number, size: number, scale: number): boolean {
  // Map the pixel into the 64-unit grid, centred.
  const unit = (size * scale) / 64
  const gx = (x - size / 2) / unit + 32
  const gy = (y - size / 2) / unit + 32
  return STONES.some(s => ((gx - s.cx) / s.rx) ** 2 + ((gy - s.cy) / s.ry) ** 2 <= 1)
}

function render (spec: IconSpec): Uint8Array {
  const { size } = spec
  const rgba = new Uint8Array(size * size * 4)
  const radius = spec.corner * size
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0
      let mark = 0
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = px + (sx + 0.5) / SAMPLES
          const y = py + (sy + 0.5) / SAMPLES
          if (insideRoundedSquare(x, y, size, radius)) {
            bg++
            if (insideMark(x, y, size, spec.markScale)) mark++
          }
        }
      }
      const n = SAMPLES * SAMPLES
      const m = bg === 0 ? 0 : mark / bg
      const i = (py * size + px) * 4
      for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(THEME[c]! * (1 - m) + STONE[c]! * m)
      rgba[i + 3] = Math.round((bg / n) * 255)
    }
  }
  return encodePng(size, size, rgba)
}

function chunk (type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

/** PNG (RFC 2083): 8-bit RGBA, filter 0 on every row, one IDAT. */
function encodePng (width: number, height: number, rgba: Uint8Array): Uint8Array {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // colour type RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height)
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0
    raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1)
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))])
}

function hex (rgb: readonly number[]): string {
  return '#' + rgb.map(v => v.toString(16).padStart(2, '0')).join('')
}

function faviconSvg (): string {
  // Same geometry as the PNGs: 64-unit grid scaled by 0.82 around the centre.
  const ellipses = STONES.map(s => `<ellipse cx="${s.cx}" cy="${s.cy}" rx="${s.rx}" ry="${s.ry}"/>`).join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="${hex(THEME)}"/><g fill="${hex(STONE)}" transform="translate(32 32) scale(0.82) translate(-32 -32)">${ellipses}</g></svg>\n`
}

const root = join(dirname(new URL(import.meta.url).pathname), '..')
const outDir = join(root, 'public', 'icons')
mkdirSync(outDir, { recursive: true })
for (const spec of ICONS) {
  writeFileSync(join(outDir, spec.file), render(spec))
  console.log(`public/icons/${spec.file}`)
}
writeFileSync(join(root, 'public', 'favicon.svg'), faviconSvg())
console.log('public/favicon.svg')
