import { freePath, lastSegment } from '../lib/free-path.ts'

/** Where received files go in the recipient's vault: their own folder. */
export const RECEIVED_FOLDER = 'Shared with me'

/** Where the service worker serves one shared file (`/download/share/…`), and what it is. */
export interface SharedFileSource { source: string, size: number, type: string }

/** A file of a shared folder: `path` is inside the folder ("trip/day1.jpg"), as its listing gives it. */
export interface SharedFolderFile extends SharedFileSource { path: string }

/** What a link shares: one file, or a folder's files, under the name its sender gave it. */
export type SharedItem =
  | { kind: 'file', name: string, file: SharedFileSource }
  | { kind: 'folder', name: string, files: SharedFolderFile[] }

/** One file to save, with the vault path it should get. */
export interface ReceivedFile extends SharedFileSource { path: string }

/**
 * The vault path of each file a link shares: under "Shared with me/", at a
 * name that no file and no folder there has ("Holiday (2)"), a folder's files
 * inside it. Names are NFC like vault paths, so a name spelt in NFD is seen
 * as the taken name it is; the sender's name is reduced to a plain name the
 * vault takes (vaultName). The node places each file again under its
 * lock and never replaces one (put-beside.ts): this choice is what the page
 * expects, not what keeps the vault safe.
 */
export function receivedFiles (item: SharedItem, files: readonly string[], folders: readonly string[]): ReceivedFile[] {
  const top = freePath(`${RECEIVED_FOLDER}/${vaultName(item.name)}`, takenNames([...files, ...folders]))
  if (item.kind === 'file') return [{ ...item.file, type: vaultType(item.file.type), path: top }]
  // A folder's paths were checked against the vault's rules when its listing was read (folder-listing.ts).
  return item.files.map(file => ({ source: file.source, size: file.size, type: vaultType(file.type), path: `${top}/${file.path.normalize('NFC')}` }))
}

/** What the vault refuses in a name or a type (core/index/paths.ts, ops.ts): C0 controls and DEL. */
const CONTROL = /[\u0000-\u001f\u007f]/
const CONTROLS = new RegExp(CONTROL.source, 'g')
/** A vault name's limit is 255 bytes; this leaves room for the " (2)" that a taken name gets. */
const MAX_NAME_BYTES = 240
/** Longest extension kept when a name is cut. */
const MAX_EXTENSION_BYTES = 16
const encoder = new TextEncoder()
const byteLength = (text: string): number => encoder.encode(text).length

/**
 * The sender's name as a name the vault takes: its last part (a '/' cannot
 * pick a folder), NFC, control characters as '_', and cut to MAX_NAME_BYTES,
 * its extension kept. A link may carry any name of up to 1024 bytes: without
 * this, "Save to my vault" failed on it with words about '/'.
 */
export function vaultName (name: string): string {
  const plain = lastSegment(name).normalize('NFC').replace(CONTROLS, '_')
  if (byteLength(plain) <= MAX_NAME_BYTES) return plain
  const dot = plain.lastIndexOf('.')
  const extension = dot > 0 && byteLength(plain.slice(dot)) <= MAX_EXTENSION_BYTES ? plain.slice(dot) : ''
  let stem = ''
  let budget = MAX_NAME_BYTES - byteLength(extension)
  for (const char of plain.slice(0, plain.length - extension.length)) {
    budget -= byteLength(char)
    if (budget < 0) break
    stem += char
  }
  return stem + extension
}

/** The sender's MIME type, or none when the vault would refuse it. */
function vaultType (type: string): string {
  return type.length > 255 || CONTROL.test(type) ? '' : type
}

/** Every path and every folder above one: a name is taken whether a file or a folder has it. */
function takenNames (paths: readonly string[]): Set<string> {
  const taken = new Set<string>()
  for (const path of paths) {
    taken.add(path)
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) taken.add(path.slice(0, slash))
  }
  return taken
}
