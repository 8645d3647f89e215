import type { PackFile, PackFiles } from '../../../core/storage/pack-files.ts'

/**
 * TEMPORARY: a pass-through PackFiles on OPFS sync access handles, so the
 * bench can measure core/storage/pack-blockstore.ts before sw/storage's own
 * adapter lands. Replace with that adapter when it does.
 */
export function opfsPackFiles (dir: FileSystemDirectoryHandle): PackFiles {
  return {
    async open (name) {
      const handle = await (await dir.getFileHandle(name, { create: true })).createSyncAccessHandle()
      const file: PackFile = {
        size: () => handle.getSize(),
        read: (offset, length) => {
          const out = new Uint8Array(Math.max(0, Math.min(length, handle.getSize() - offset)))
          const n = handle.read(out, { at: offset })
          return n === out.length ? out : out.subarray(0, n)
        },
        write: (offset, bytes) => handle.write(bytes, { at: offset }),
        truncate: (size) => { handle.truncate(size) },
        flush: () => { handle.flush() },
        close: () => { handle.close() }
      }
      return file
    },
    async list () {
      const names: string[] = []
      for await (const name of dir.keys()) names.push(name)
      return names
    },
    async remove (name) {
      await dir.removeEntry(name).catch((err: unknown) => {
        if ((err as { name?: unknown } | null)?.name !== 'NotFoundError') throw err
      })
    }
  }
}
