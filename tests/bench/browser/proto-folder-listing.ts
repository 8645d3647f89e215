import type { FolderEntry, FolderListOptions } from '../../../core/folder-sync/folder-source.ts'
import { FsAccessFolderSource } from '../../../sw/folders/fs-access-folder-source.ts'

/** getFile calls in flight per folder. */
const IN_FLIGHT = 32

/**
 * Prototype (not shipped): the FS Access adapter's listing with each folder's
 * `getFile()` calls 32 at a time instead of one after another (each is a round
 * trip to the browser process), entries in the same order. Only `list` differs.
 */
export class ConcurrentListingSource extends FsAccessFolderSource {
  constructor (private readonly top: FileSystemDirectoryHandle) {
    super(top)
  }

  override async * list (options: FolderListOptions = {}): AsyncIterable<FolderEntry> {
    const pending: Array<[string, FileSystemDirectoryHandle]> = [['', this.top]]
    while (pending.length > 0) {
      const [folder, dir] = pending.pop() ?? ['', this.top]
      const files: Array<[string, FileSystemFileHandle]> = []
      for await (const [name, handle] of dir.entries()) {
        const path = folder === '' ? name : `${folder}/${name}`
        if (handle.kind === 'directory') {
          if (options.skipFolder?.(path) !== true) pending.push([path, handle as FileSystemDirectoryHandle])
        } else {
          files.push([path, handle as FileSystemFileHandle])
        }
      }
      const out = new Array<FolderEntry | undefined>(files.length)
      let next = 0
      await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, files.length) }, async () => {
        while (next < files.length) {
          const i = next++
          const [path, handle] = files[i] as [string, FileSystemFileHandle]
          const file = await handle.getFile().catch(() => undefined)
          if (file !== undefined) out[i] = { path, size: file.size, mtime: file.lastModified }
        }
      }))
      for (const entry of out) if (entry !== undefined) yield entry
    }
  }
}
