import { useMemo } from 'preact/hooks'
import { create } from 'qrcode'

/** Light modules around the symbol; the QR spec asks for four so scanners find its edges. */
export const QUIET_ZONE = 4

/** A QR symbol's modules: `dark[row * size + col]` is 1 for a dark module. */
export interface QrMatrix {
  size: number
  dark: Uint8Array
}

/** Encodes text at error correction level M; throws when it is too long for any QR version. */
export function qrMatrix (text: string): QrMatrix {
  const { modules } = create(text, { errorCorrectionLevel: 'M' })
  return { size: modules.size, dark: Uint8Array.from(modules.data, bit => bit === 0 ? 0 : 1) }
}

/**
 * One SVG path drawing exactly the dark modules, one rectangle per horizontal
 * run ("M x y h w v 1 h -w z"), offset by the quiet zone. Runs keep the path
 * about half the size of one square per module.
 */
export function qrPath (matrix: QrMatrix): string {
  const { size, dark } = matrix
  const parts: string[] = []
  for (let row = 0; row < size; row++) {
    let col = 0
    while (col < size) {
      if (dark[row * size + col] !== 1) { col++; continue }
      const start = col
      while (col < size && dark[row * size + col] === 1) col++
      const width = col - start
      parts.push(`M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${width}v1h-${width}z`)
    }
  }
  return parts.join('')
}

export interface QrCodeProps {
  text: string
  /** The accessible name of the image. */
  label: string
}

/**
 * A QR code as inline SVG (the CSP allows neither data: URLs nor inline
 * styles, so no canvas export or styled divs). Colours come from the
 * stylesheet; the code stays dark on light in dark mode too, as scanners
 * expect.
 */
export function QrCode ({ text, label }: QrCodeProps) {
  const drawn = useMemo(() => {
    try {
      const matrix = qrMatrix(text)
      return { side: matrix.size + 2 * QUIET_ZONE, path: qrPath(matrix) }
    } catch {
      return undefined
    }
  }, [text])
  if (drawn === undefined) return <p class='muted'>This link is too long for a QR code. Copy it instead.</p>
  return (
    <svg class='qr-code' role='img' aria-label={label} viewBox={`0 0 ${drawn.side} ${drawn.side}`} shape-rendering='crispEdges'>
      <rect class='qr-light' width={drawn.side} height={drawn.side} />
      <path class='qr-dark' d={drawn.path} />
    </svg>
  )
}
