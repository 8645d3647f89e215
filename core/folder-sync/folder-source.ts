/**
 * The seam between folder sync and a folder on disk (issue 14). The engine
 * (folder-sync-engine.ts) is written once against it; the desktop hands it a
 * node:fs adapter (desktop/folders/node-folder-source.ts), the browser an FS
 * Access one (sw/folders/fs-access-folder-source.ts). One contract suite
 * (tests/contract/folder-source-contract.ts) runs against both.
 *
 * Paths are relative and '/'-separated ("photos/2024/cat.jpg"), as the file
 * system spells them (no normalisation here: the engine maps them to vault
 * paths). Directories are walked, never listed as entries.
 */

/** One file under the root. */
export interface FolderEntry {
  path: string
  size: number
  /** Last modification, ms since the epoch (whole ms). */
  mtime: number
}

export interface FolderListOptions {
  /** A folder for which this returns true is not walked ("node_modules", ".git", the trash). Its path has no trailing '/'. */
  skipFolder?: (path: string) => boolean
  /**
   * Told of a file or folder the source cannot give a path for (a name that
   * is not valid UTF-8, FOLDER_NAME_NOT_UTF8) or cannot look into (permission
   * denied, a path longer than the system takes: the error's code): it is
   * left out of the listing, so it is said here instead, and the engine keeps
   * what it knew of it. `path` is the name as near as it can be read.
   */
  onSkipped?: (path: string, code: string) => void
}

/** What names this file system can hold (names.ts makes safe ones). */
export interface FolderNameRules {
  /** Windows rules: no `CON`/`a:b`/trailing dot or space. */
  windows: boolean
  /** "A.txt" and "a.txt" are one file. */
  caseInsensitive: boolean
}

export interface FolderWatch {
  stop: () => Promise<void>
}

export interface FolderSource {
  /** A short name for logs and the UI ("~/Documents", "Documents"); never a secret. */
  readonly label: string
  readonly nameRules: FolderNameRules
  /** Whether `write` sets the mtime it is given (node:fs can; FS Access cannot, the file gets "now"). */
  readonly setsMtime: boolean
  /** Every file under the root with its size and mtime; symbolic links are not followed. */
  list: (options?: FolderListOptions) => AsyncIterable<FolderEntry>
  /**
   * Whether the root holds anything at all but `.cairn-trash`: a file, a
   * folder (empty or not), a symbolic link, anything the listing leaves out.
   */
  isEmpty: () => Promise<boolean>
  /** One file's size and mtime; undefined when there is no plain file at `path` (nothing, or a link, a folder…). */
  stat: (path: string) => Promise<FolderEntry | undefined>
  /** The file's bytes as a stream (FILE_NOT_FOUND when it is gone). */
  read: (path: string) => Promise<ReadableStream<Uint8Array>>
  /**
   * Writes a whole file atomically: readers see the old content or the new,
   * never a part (a temp file then a rename; FS Access commits its swap file
   * on close). Creates missing parent folders. Returns what is now on disk.
   * Only ever replaces a plain file: a name held by anything else (a
   * symbolic link, a folder) is refused (FOLDER_FILE_EXISTS).
   */
  write: (path: string, content: ReadableStream<Uint8Array>, mtime: number) => Promise<FolderEntry>
  /** Moves a file to another path (parents created); refuses (FILE_EXISTS) when `to` is taken. */
  rename: (from: string, to: string) => Promise<void>
  /** Moves a file into `.cairn-trash/<YYYY-MM-DD>/<path>`; returns its path there. */
  trash: (path: string, now: number) => Promise<string>
  mkdir: (path: string) => Promise<void>
  /** Deletes a file or a whole folder; only ever called on what is inside `.cairn-trash/`. */
  remove: (path: string) => Promise<void>
  /**
   * Calls `onChange` with the paths that changed (files or folders; may be
   * coarse) until stopped. Sources that cannot watch call it never; the
   * engine rescans on a schedule as well.
   */
  watch: (onChange: (paths: string[]) => void) => Promise<FolderWatch>
}

/** The folder inside a synced folder where deletions from other devices go (emptied after TRASH_DAYS). */
export const TRASH_FOLDER = '.cairn-trash'
export const TRASH_DAYS = 30

/** `.cairn-trash/<YYYY-MM-DD>/<path>` for a file trashed at `now`. */
export function trashPath (path: string, now: number): string {
  return `${TRASH_FOLDER}/${new Date(now).toISOString().slice(0, 10)}/${path}`
}
