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
 * as the taken name it is; the sender's name is reduced to a plain name (a
 * '/' in it cannot pick a folder). The node places each file again under its
 * lock and never replaces one (put-beside.ts): this choice is what the page
 * expects, not what keeps the vault safe.
 */
export function receivedFiles (item: SharedItem, files: readonly string[], folders: readonly string[]): ReceivedFile[] {
  const top = freePath(`${RECEIVED_FOLDER}/${lastSegment(item.name).normalize('NFC')}`, takenNames([...files, ...folders]))
  if (item.kind === 'file') return [{ ...item.file, path: top }]
  return item.files.map(file => ({ source: file.source, size: file.size, type: file.type, path: `${top}/${file.path.normalize('NFC')}` }))
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
