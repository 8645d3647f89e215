import type { FolderNameRules } from './folder-source.ts'

/**
 * Names a file system cannot hold (issue 14): Windows refuses `CON`, `a:b`
 * and names ending in a dot or space; a case-insensitive system holds one of
 * "A.txt" and "a.txt". Such a vault file is written under a safe name, and
 * the engine reports which.
 */

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i
const WINDOWS_UNSAFE = /[<>:"\\|?*]/g

function safeSegment (segment: string, rules: FolderNameRules): string {
  if (!rules.windows) return segment
  let out = segment.replace(WINDOWS_UNSAFE, '_')
  if (/[. ]$/.test(out)) out = out.replace(/[. ]+$/, '') + '_'
  if (RESERVED.test(out)) out = `_${out}`
  return out
}

/**
 * The disk path for a file at vault-relative path `rel`: each segment made
 * safe, then, where `taken` (lower-cased on a case-insensitive system) holds
 * it already, " (2)", " (3)" … before the extension of the last segment.
 */
export function safeDiskPath (rel: string, rules: FolderNameRules, taken: Set<string>): string {
  const parts = rel.split('/').map(s => safeSegment(s, rules))
  let path = parts.join('/')
  const key = (p: string): string => rules.caseInsensitive ? p.toLowerCase() : p
  if (!taken.has(key(path))) return path
  const last = parts.pop() ?? ''
  const dot = last.lastIndexOf('.')
  const [base, ext] = dot > 0 ? [last.slice(0, dot), last.slice(dot)] : [last, '']
  for (let n = 2; ; n++) {
    path = [...parts, `${base} (${n})${ext}`].join('/')
    if (!taken.has(key(path))) return path
  }
}

/** The key `taken` uses for a path under these rules. */
export function takenKey (path: string, rules: FolderNameRules): string {
  return rules.caseInsensitive ? path.toLowerCase() : path
}
