/**
 * Folder shares (issue 4): a snapshot of a folder is one share link whose
 * file is a listing of the folder's files, each itself a share copy under its
 * own fresh key. The listing travels encrypted like any shared file (STREAM
 * under the link's key), so it is authenticated before it is read; this
 * module only turns it into bytes and back.
 *
 * Format v1, UTF-8 JSON:
 *
 *     {"v":1,"files":[{"path":"trip/day1.jpg","size":123,"type":"image/jpeg","cid":"bafy…","key":"<base64url, 32 bytes>"}]}
 *
 * Paths are relative to the shared folder, '/'-separated, with no empty,
 * "." or ".." segment, so a recipient can save them under a folder of their
 * own without escaping it, and follow the vault's path rules (no control
 * characters, names of at most 255 bytes: core/index/paths.ts).
 */
import { CID } from 'multiformats/cid'
import { base64UrlToBytes, toBase64Url } from '../crypto/base64.ts'
import { CairnError, FormatInvalidError } from '../errors.ts'
import { validatePath } from '../index/paths.ts'
import { withoutBidiControls } from './shared-name.ts'

/** The MIME type a folder share's link carries. */
export const FOLDER_SHARE_TYPE = 'application/vnd.cairn.folder+json'
export const FOLDER_LISTING_VERSION = 1
/** Most files one folder share may list, and the largest listing read. */
export const MAX_FOLDER_FILES = 10_000
export const MAX_LISTING_BYTES = 4 * 1024 * 1024
const MAX_PATH_BYTES = 1024
const MAX_TYPE_BYTES = 255

export interface FolderEntry {
  path: string
  size: number
  type: string
  /** Root of this file's share copy. */
  cid: CID
  /** Its share key. */
  key: Uint8Array
}

const encoder = new TextEncoder()
const invalid = (why: string): CairnError => new FormatInvalidError(`the shared folder's listing is invalid: ${why}`)

function checkPath (path: unknown): string {
  if (typeof path !== 'string' || path === '' || encoder.encode(path).length > MAX_PATH_BYTES) throw invalid('a path is empty or too long')
  if (path.split('/').some(segment => segment === '' || segment === '.' || segment === '..')) throw invalid(`a path has an empty, "." or ".." part: ${path}`)
  // The vault's own rules too (control characters, over-long names): a path it
  // refuses would stop "Save to my vault" half-way, after the files before it.
  try {
    validatePath(path)
  } catch (err) {
    throw new FormatInvalidError(`the shared folder's listing is invalid: a path is not a file name (${JSON.stringify(path)})`, { cause: err })
  }
  return path
}

export function encodeFolderListing (entries: FolderEntry[]): Uint8Array {
  if (entries.length > MAX_FOLDER_FILES) throw new CairnError('SHARE_FOLDER_TOO_LARGE', `a shared folder holds at most ${MAX_FOLDER_FILES} files`)
  const files = entries.map(e => ({ path: checkPath(e.path), size: e.size, type: e.type, cid: e.cid.toString(), key: toBase64Url(e.key) }))
  const bytes = encoder.encode(JSON.stringify({ v: FOLDER_LISTING_VERSION, files }))
  if (bytes.length > MAX_LISTING_BYTES) throw new CairnError('SHARE_FOLDER_TOO_LARGE', 'the folder\'s listing is too large to share as one link')
  return bytes
}

/**
 * Reads a listing; anything malformed (a path listed twice, or both as a file
 * and as a folder of another) throws FORMAT_INVALID, an unknown version UNSUPPORTED_VERSION. */
export function decodeFolderListing (bytes: Uint8Array): FolderEntry[] {
  if (bytes.length > MAX_LISTING_BYTES) throw invalid('too large')
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (err) {
    throw new FormatInvalidError('the shared folder\'s listing is not readable', { cause: err })
  }
  if (typeof value !== 'object' || value === null) throw invalid('not an object')
  const { v, files } = value as { v?: unknown, files?: unknown }
  if (v !== FOLDER_LISTING_VERSION) throw new CairnError('UNSUPPORTED_VERSION', `folder listing version ${String(v)} is not supported`)
  if (!Array.isArray(files) || files.length > MAX_FOLDER_FILES) throw invalid('files must be a list')
  // NFC, as the recipient's vault will store them: two spellings of one name are one path.
  const seen = new Set<string>()
  const entries = files.map((file: unknown) => {
    if (typeof file !== 'object' || file === null) throw invalid('an entry is not an object')
    const f = file as Record<string, unknown>
    // Without bidi controls before any check: two paths that read alike are one path.
    const path = checkPath(typeof f.path === 'string' ? withoutBidiControls(f.path) : f.path)
    if (seen.has(path.normalize('NFC'))) throw invalid(`two entries for ${path}`)
    seen.add(path.normalize('NFC'))
    if (!Number.isSafeInteger(f.size) || (f.size as number) < 0) throw invalid('a size is not a byte count')
    if (typeof f.type !== 'string' || encoder.encode(f.type).length > MAX_TYPE_BYTES) throw invalid('a type is not a MIME type')
    let cid: CID
    let key: Uint8Array
    try {
      cid = CID.parse(String(f.cid))
      key = base64UrlToBytes(String(f.key))
    } catch (err) {
      throw new FormatInvalidError('an entry of the shared folder is damaged', { cause: err })
    }
    if (cid.version !== 1 || key.length !== 32) throw invalid('an entry has a wrong address or key')
    return { path, size: f.size as number, type: f.type, cid, key }
  })
  // A file cannot also be a folder: saving "a" then "a/b" would stop halfway.
  for (const path of seen) {
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
      if (seen.has(path.slice(0, slash))) throw invalid(`${path.slice(0, slash)} is both a file and a folder`)
    }
  }
  return entries
}
