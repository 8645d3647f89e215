import assert from 'node:assert/strict'
import { test } from 'node:test'
import { QUIET_ZONE, qrMatrix, qrPath, type QrMatrix } from '../../../web/components/qr-code.tsx'

const LINK = 'https://cairn.example/#/s/' + 'AbCd-_0123456789'.repeat(20)

/** The cells the path's rectangles cover, as "row,col" in matrix coordinates; throws on any other command. */
function covered (path: string): string[] {
  const cells: string[] = []
  const rest = path.replace(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g, (_, x: string, y: string, w: string, back: string) => {
    assert.equal(back, w, 'each rectangle closes on itself')
    for (let i = 0; i < Number(w); i++) cells.push(`${Number(y) - QUIET_ZONE},${Number(x) - QUIET_ZONE + i}`)
    return ''
  })
  assert.equal(rest, '', 'nothing but rectangles in the path')
  return cells
}

function darkCells (m: QrMatrix): string[] {
  const cells: string[] = []
  for (let row = 0; row < m.size; row++) {
    for (let col = 0; col < m.size; col++) if (m.dark[row * m.size + col] === 1) cells.push(`${row},${col}`)
  }
  return cells
}

test('a share link becomes a square matrix of a real QR version (21 + 4 per version)', () => {
  const m = qrMatrix(LINK)
  assert.equal(m.dark.length, m.size * m.size)
  assert.equal((m.size - 17) % 4, 0)
  assert.ok(m.size > 21, 'a 340-character link needs more than version 1')
  assert.ok(m.size <= 177)
  assert.equal(qrMatrix('hi').size, 21, 'a short text fits version 1')
})

test('the path covers exactly the dark modules, each once, inside the quiet zone', () => {
  for (const text of [LINK, 'hi', 'https://cairn.example/#/s/x']) {
    const m = qrMatrix(text)
    const dark = darkCells(m)
    const drawn = covered(qrPath(m))
    assert.equal(drawn.length, dark.length, 'as many cells drawn as dark modules')
    assert.equal(new Set(drawn).size, drawn.length, 'no cell drawn twice')
    assert.deepEqual([...drawn].sort(), [...dark].sort())
    // The finder pattern's corner is dark and the path starts right after the quiet zone.
    assert.ok(qrPath(m).startsWith(`M${QUIET_ZONE} ${QUIET_ZONE}h7`))
  }
})

test('a hand-made matrix: runs merge, light cells stay empty', () => {
  const m: QrMatrix = { size: 3, dark: Uint8Array.from([1, 1, 0, 0, 0, 0, 1, 0, 1]) }
  assert.equal(qrPath(m), `M4 4h2v1h-2zM4 6h1v1h-1zM6 6h1v1h-1z`)
  assert.equal(qrPath({ size: 2, dark: new Uint8Array(4) }), '')
})

test('text too long for any QR version throws (the component then says to copy the link)', () => {
  assert.throws(() => qrMatrix('x'.repeat(5000)))
})
