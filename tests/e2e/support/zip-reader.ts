import { inflateRawSync } from 'node:zlib'

/**
 * A small zip reader for tests (Node has none built in): reads the central
 * directory, then each entry's data, stored or deflated, with Zip64 sizes.
 * Test code only; the app never reads zips.
 */
export interface ZipFileEntry { name: string, bytes: Uint8Array }

export function readZip (zip: Uint8Array): ZipFileEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
  let eocd = -1
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) { eocd = i; break }
  }
  if (eocd < 0) throw new Error('no end of central directory: not a zip')
  let count = view.getUint16(eocd + 10, true)
  let offset = view.getUint32(eocd + 16, true)
  if (offset === 0xffffffff || count === 0xffff) {
    // Zip64 end of central directory locator sits just before the classic record.
    const record = Number(view.getBigUint64(eocd - 20 + 8, true))
    count = Number(view.getBigUint64(record + 32, true))
    offset = Number(view.getBigUint64(record + 48, true))
  }
  const out: ZipFileEntry[] = []
  for (let n = 0; n < count; n++) {
    if (view.getUint32(offset, true) !== 0x02014b50) throw new Error('bad central directory entry')
    const method = view.getUint16(offset + 10, true)
    let compressed = view.getUint32(offset + 20, true)
    let size = view.getUint32(offset + 24, true)
    const nameLength = view.getUint16(offset + 28, true)
    const extraLength = view.getUint16(offset + 30, true)
    const commentLength = view.getUint16(offset + 32, true)
    let local = view.getUint32(offset + 42, true)
    const name = new TextDecoder().decode(zip.subarray(offset + 46, offset + 46 + nameLength))
    // Zip64 extended information: the fields that overflowed, in this order.
    for (let e = offset + 46 + nameLength; e < offset + 46 + nameLength + extraLength;) {
      const id = view.getUint16(e, true)
      const length = view.getUint16(e + 2, true)
      if (id === 0x0001) {
        let p = e + 4
        if (size === 0xffffffff) { size = Number(view.getBigUint64(p, true)); p += 8 }
        if (compressed === 0xffffffff) { compressed = Number(view.getBigUint64(p, true)); p += 8 }
        if (local === 0xffffffff) { local = Number(view.getBigUint64(p, true)) }
      }
      e += 4 + length
    }
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true)
    const data = zip.subarray(dataStart, dataStart + compressed)
    const bytes = method === 0 ? data : method === 8 ? new Uint8Array(inflateRawSync(data)) : undefined
    if (bytes === undefined) throw new Error(`unsupported compression method ${method}`)
    if (bytes.length !== size) throw new Error(`entry ${name}: ${bytes.length} bytes, the directory says ${size}`)
    out.push({ name, bytes })
    offset += 46 + nameLength + extraLength + commentLength
  }
  return out
}
