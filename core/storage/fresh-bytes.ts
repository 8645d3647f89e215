/**
 * Buffers a store has just read from disk for one reader, that no cache or
 * other reader holds: the read pipeline may hand such a buffer to a worker
 * as is (transferred, no copy), once. A buffer that is not marked — bytes
 * from the network, a repair, a cache, a view into a larger buffer — is
 * copied instead.
 */
const fresh = new WeakSet<ArrayBuffer>()

const isWhole = (bytes: Uint8Array): boolean =>
  bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength

/** Marks `bytes` (a view of a whole buffer just read, held by nobody else) as free to transfer. */
export function markFresh (bytes: Uint8Array): void {
  if (isWhole(bytes)) fresh.add(bytes.buffer as ArrayBuffer)
}

/** True (once) when `bytes` were marked fresh and still view their whole buffer: the caller may transfer it. */
export function takeFresh (bytes: Uint8Array): bytes is Uint8Array<ArrayBuffer> {
  return isWhole(bytes) && fresh.delete(bytes.buffer as ArrayBuffer)
}
