/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial). Not cryptography: it only
 * tells a journal record that was torn by a crash from a whole one. Tampering
 * is out of scope here; blocks are ciphertext and Helia checks hashes of
 * blocks it fetches.
 */

const TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/** CRC-32 of `bytes`, as an unsigned 32-bit number. */
export function crc32 (bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (let i = 0; i < bytes.length; i++) {
    crc = (TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8)
  }
  return (crc ^ 0xffffffff) >>> 0
}
