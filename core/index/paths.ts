import { CairnError, PathInvalidError } from '../errors.ts'
import { MAX_PATH_BYTES, MAX_SEGMENT_BYTES } from './constants.ts'

/**
 * Paths inside a vault are '/'-separated and relative ("photos/cat.jpg").
 * They must survive being written to any file system on export, so the rules
 * refuse what would escape a folder or be unrepresentable: empty segments
 * (hence no leading, trailing or double '/'), '.' and '..', control
 * characters (NUL included), and over-long names.
 */

const encoder = new TextEncoder()
// C0 controls (NUL, newline, …) and DEL: unrepresentable or dangerous in file names.
const CONTROL = /[\u0000-\u001f\u007f]/

/** Throws PATH_INVALID (PATH_DOT_NAME for a '.' or '..' segment), saying why, unless `path` follows the rules above. */
export function validatePath (path: unknown): asserts path is string {
  if (typeof path !== 'string') throw new PathInvalidError('path must be a string')
  if (path.length === 0) throw new PathInvalidError('path is empty')
  if (encoder.encode(path).length > MAX_PATH_BYTES) throw new PathInvalidError(`path is longer than ${MAX_PATH_BYTES} bytes`)
  if (CONTROL.test(path)) throw new PathInvalidError('path contains a control character')
  if (path.startsWith('/')) throw new PathInvalidError('path must not start with "/"')
  for (const segment of path.split('/')) {
    if (segment === '') throw new PathInvalidError('path has an empty segment')
    // Its own code: the words for other bad paths (about '/') would not fit a file named "..".
    if (segment === '.' || segment === '..') throw new CairnError('PATH_DOT_NAME', 'path must not contain "." or ".." segments')
    if (encoder.encode(segment).length > MAX_SEGMENT_BYTES) throw new PathInvalidError(`a path segment is longer than ${MAX_SEGMENT_BYTES} bytes`)
  }
}

/**
 * What local actions store: the path in Unicode NFC, so the same name typed on
 * macOS (NFD) and elsewhere is one path. Throws PATH_INVALID.
 */
export function normalizePath (path: string): string {
  validatePath(path)
  const normalized = path.normalize('NFC')
  validatePath(normalized)
  return normalized
}

/** The folders above a path: "a/b/c.txt" → ["a", "a/b"]. */
export function parentFolders (path: string): string[] {
  const parts = path.split('/')
  const out: string[] = []
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'))
  return out
}

/** Splits the last segment into name and extension: "a/b.tar.gz" → ["a/b.tar", ".gz"]; ".bashrc" has none. */
export function splitExtension (path: string): [string, string] {
  const slash = path.lastIndexOf('/')
  const dot = path.lastIndexOf('.')
  if (dot <= slash + 1) return [path, '']
  return [path.slice(0, dot), path.slice(dot)]
}
