import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs'
import { join, relative } from 'node:path'

export interface SearchResult {
  filesSearched: number
  bytesSearched: number
  /** "<file relative to the profile>: <needle label>" for every hit. */
  found: string[]
}

/** Where Chromium keeps an origin's OPFS files and IndexedDB on disk, relative to the profile. */
const STORAGE_DIRS = [join('Default', 'File System'), join('Default', 'IndexedDB')]

function * walk (dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield * walk(path)
    else if (entry.isFile()) yield path
  }
}

/**
 * Searches the bytes Chromium stored for OPFS and IndexedDB in a profile for
 * any of the needles (plaintext markers, file names). Reads the files from
 * disk, so it sees exactly what an attacker with the disk would see.
 */
export function searchProfileStorage (userDataDir: string, needles: Record<string, Uint8Array>): SearchResult {
  const result: SearchResult = { filesSearched: 0, bytesSearched: 0, found: [] }
  for (const sub of STORAGE_DIRS) {
    const root = join(userDataDir, sub)
    if (!existsSync(root)) continue
    for (const file of walk(root)) {
      if (statSync(file).size === 0) { result.filesSearched++; continue }
      const bytes = readFileSync(file)
      result.filesSearched++
      result.bytesSearched += bytes.length
      for (const [label, needle] of Object.entries(needles)) {
        if (bytes.indexOf(needle) !== -1) result.found.push(`${relative(userDataDir, file)}: ${label}`)
      }
    }
  }
  return result
}
