import { freePath } from './free-path.ts'
import type { FileView } from './state.ts'

export interface PathOccupancyInit {
  /**
   * Count the names concurrent edits are shown under as taken. A restore may
   * take one (the edit moves to the next free name); a file that arrives from
   * someone else must not move anything the vault shows.
   */
  editsTaken?: boolean
}

/**
 * Which paths the live files take, for placing many files at once (a batch
 * restore from the Trash) without a scan of every file per file placed. A
 * path is free when no file has it, no file is under it (it is a folder), and
 * no file is named like one of its folders.
 */
export class PathOccupancy {
  private readonly files = new Set<string>()
  private readonly folders = new Set<string>()

  constructor (live: readonly FileView[], init: PathOccupancyInit = {}) {
    for (const file of live) if (file.versionId === undefined || init.editsTaken === true) this.take(file.path)
  }

  /** `wanted`, or "name (2).ext" and so on when taken; undefined when a file is in the way of its folder. */
  place (wanted: string): string | undefined {
    if (this.blockedFolder(wanted)) return undefined
    const path = freePath(wanted, { has: (p: string) => this.files.has(p) || this.folders.has(p) })
    this.take(path)
    return path
  }

  private blockedFolder (path: string): boolean {
    return foldersOf(path).some(folder => this.files.has(folder))
  }

  private take (path: string): void {
    this.files.add(path)
    for (const folder of foldersOf(path)) this.folders.add(folder)
  }
}

/** "a/b/c.txt" → ["a", "a/b"]. */
function foldersOf (path: string): string[] {
  const out: string[] = []
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) out.push(path.slice(0, slash))
  return out
}
