/**
 * The file-system seam under the pack blockstore: a flat directory of named
 * files with positional reads and writes. Shaped after OPFS
 * `FileSystemSyncAccessHandle` (synchronous `read`/`write`/`getSize`/
 * `truncate`/`flush`) so the browser adapter is a thin pass-through, while a
 * Node `fs.promises` adapter can return promises from the same methods.
 */

/** A value, or a promise of it: sync handles return values, Node returns promises. */
export type MaybePromise<T> = T | Promise<T>

/** One open file. Only one `PackFile` per name may be open at a time (OPFS locks it). */
export interface PackFile {
  /** Current length of the file in bytes. */
  size: () => MaybePromise<number>
  /**
   * Reads up to `length` bytes at `offset` in one call. Returns fewer bytes
   * when the file ends first; never throws for reads past the end.
   */
  read: (offset: number, length: number) => MaybePromise<Uint8Array>
  /**
   * Writes `bytes` at `offset` (extending the file as needed) and returns how
   * many bytes were written. Throws a `QuotaExceededError` DOMException (or an
   * `ENOSPC` error in Node) when storage is full; some bytes may have landed.
   */
  write: (offset: number, bytes: Uint8Array) => MaybePromise<number>
  /**
   * Optional: writes `pieces` back to back at `offset` in one call (Node's
   * `writev`), as `write` would their join; returns the bytes written. A
   * block that arrived in pieces is stored without being joined first.
   */
  writeMany?: (offset: number, pieces: readonly Uint8Array[]) => MaybePromise<number>
  /** Cuts (or zero-extends) the file to `size` bytes. */
  truncate: (size: number) => MaybePromise<void>
  /** Persists every write made so far before returning. */
  flush: () => MaybePromise<void>
  /** Releases the file (and its lock). The handle must not be used afterwards. */
  close: () => MaybePromise<void>
}

/** A directory of pack files. */
export interface PackFiles {
  /** Opens `name`, creating an empty file when it does not exist. */
  open: (name: string) => Promise<PackFile>
  /** Names of the files in the directory, in any order. */
  list: () => Promise<string[]>
  /** Deletes `name`; no error when it does not exist. The file must be closed. */
  remove: (name: string) => Promise<void>
}
