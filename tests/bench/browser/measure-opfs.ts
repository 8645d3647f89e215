import { freshDirectory } from './opfs-scratch.ts'

/** Raw OPFS writes go in pieces of this size (the brief: 1 MiB writes). */
const WRITE_SIZE = 1024 * 1024

async function openScratchFile (): Promise<FileSystemSyncAccessHandle> {
  const dir = await freshDirectory('opfs-write')
  const file = await dir.getFileHandle('raw.bin', { create: true })
  return await file.createSyncAccessHandle()
}

function writeAll (handle: FileSystemSyncAccessHandle, bytes: Uint8Array, at: number): void {
  let done = 0
  while (done < bytes.length) done += handle.write(bytes.subarray(done), { at: at + done })
}

/**
 * `opfs.write`: the file's bytes, read with `file.stream()`, gathered into
 * 1 MiB pieces and written with a sync access handle, then flushed. The
 * ceiling for any add: what copying the file into OPFS costs with no hashing,
 * encryption or UnixFS. Returns ms (opening the handle is not timed) and
 * how much of it the final flush took.
 */
export async function measureOpfsWrite (file: Blob): Promise<{ ms: number, flushMs: number }> {
  const handle = await openScratchFile()
  try {
    const start = performance.now()
    const piece = new Uint8Array(WRITE_SIZE)
    let filled = 0
    let at = 0
    for await (const chunk of file.stream()) {
      let off = 0
      while (off < chunk.length) {
        const n = Math.min(WRITE_SIZE - filled, chunk.length - off)
        piece.set(chunk.subarray(off, off + n), filled)
        filled += n
        off += n
        if (filled === WRITE_SIZE) {
          writeAll(handle, piece, at)
          at += filled
          filled = 0
        }
      }
    }
    writeAll(handle, piece.subarray(0, filled), at)
    const flushStart = performance.now()
    handle.flush()
    const end = performance.now()
    if (handle.getSize() !== file.size) throw new Error(`OPFS file has ${handle.getSize()} bytes, expected ${file.size}`)
    return { ms: end - start, flushMs: end - flushStart }
  } finally {
    handle.close()
  }
}

/** `stage.opfs.write_memory`: the same writes from bytes already in memory (no file reading). */
export async function measureOpfsWriteFromMemory (bytes: Uint8Array): Promise<number> {
  const handle = await openScratchFile()
  try {
    const start = performance.now()
    for (let at = 0; at < bytes.length; at += WRITE_SIZE) writeAll(handle, bytes.subarray(at, at + WRITE_SIZE), at)
    handle.flush()
    const ms = performance.now() - start
    if (handle.getSize() !== bytes.length) throw new Error(`OPFS file has ${handle.getSize()} bytes, expected ${bytes.length}`)
    return ms
  } finally {
    handle.close()
  }
}
