import { makeZip, predictLength } from 'client-zip'
import type { FileInfo } from './vault-views.ts'
import type { VaultFiles } from './vault-files.ts'
import { isUnder, lastSegment } from './folder-records.ts'
import { splitExtension } from '../index/paths.ts'

/** What a zip download holds: a folder ('' is the whole vault), or only the `picks` in it (paths relative to it). */
export interface ZipRequest { folder: string, picks: readonly string[] }

/** One entry: a file (its id, and its version for a concurrent edit) or an empty folder (name ends in '/'). */
export interface ZipEntry { name: string, size: number, mtime: number, fileId?: string, versionId?: string }

type ZipInput = { name: string } | { name: string, size: number, lastModified: Date, input: ReadableStream<Uint8Array> }

/** A zip as a streamed download: its name, exact length and bytes. */
export interface ZipSource { name: string, size: number, type: string, stream: ReadableStream<Uint8Array> }

/**
 * The entries of a zip of `request`, named by their path relative to the
 * folder, files first in path order, then the empty folders the user made.
 */
export function zipEntries (files: readonly FileInfo[], folders: readonly string[], request: ZipRequest): ZipEntry[] {
  const { folder } = request
  const relative = (path: string): string => folder === '' ? path : path.slice(folder.length + 1)
  const picked = (name: string): boolean => request.picks.length === 0 || request.picks.some(p => name === p || name.startsWith(p + '/'))
  const out: ZipEntry[] = []
  for (const f of [...files].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) {
    if (!isUnder(f.path, folder)) continue
    const name = relative(f.path)
    if (!picked(name)) continue
    out.push({ name, size: f.size, mtime: f.mtime, fileId: f.fileId, ...(f.versionId !== undefined ? { versionId: f.versionId } : {}) })
  }
  for (const empty of folders) {
    if (!isUnder(empty, folder) || files.some(f => isUnder(f.path, empty))) continue
    const name = relative(empty)
    if (picked(name)) out.push({ name: name + '/', size: 0, mtime: 0 })
  }
  return withZipSafeNames(out)
}

/**
 * A vault name may hold a backslash (`..\..\evil.bat` is one segment, and a
 * shared folder's listing can carry it), but a Windows unzipper reads it as a
 * folder separator and writes outside the folder it unzips into (zip slip);
 * APPNOTE 4.4.17 allows forward slashes only. Each becomes '_', and a name
 * that then meets another gets ` (2)`, ` (3)`… so unzipping loses neither.
 */
function withZipSafeNames (entries: ZipEntry[]): ZipEntry[] {
  const used = new Set<string>()
  return entries.map((entry) => {
    const folder = entry.name.endsWith('/')
    const bare = (folder ? entry.name.slice(0, -1) : entry.name).replace(/\\/g, '_')
    let name = bare
    if (used.has(name)) {
      const [stem, extension] = folder ? [bare, ''] : splitExtension(bare)
      for (let n = 2; used.has(name); n++) name = `${stem} (${n})${extension}`
    }
    used.add(name)
    return { ...entry, name: folder ? name + '/' : name }
  })
}

/** The download's file name: the folder's, or the vault's for a pick from the top. */
export function zipName (request: ZipRequest): string {
  if (request.picks.length === 1) return `${lastSegment(request.picks[0] as string)}.zip`
  return `${request.folder === '' ? 'Cairn files' : lastSegment(request.folder)}.zip`
}

/**
 * Streams a zip of `request` (client-zip: stored entries, Zip64 past 4 GiB).
 * Each file is opened only when the zip reaches it, and its decrypted bytes
 * pass straight through: no more than a chunk of one file is held at a time.
 */
export function zipSource (files: VaultFiles, request: ZipRequest): ZipSource {
  const entries = zipEntries(files.list(), files.folders(), request)
  const meta = entries.map(e => e.fileId === undefined ? { name: e.name } : { name: e.name, size: e.size, lastModified: new Date(e.mtime) })
  async function * inputs (): AsyncGenerator<ZipInput> {
    for (const e of entries) {
      if (e.fileId === undefined) { yield { name: e.name }; continue }
      yield { name: e.name, size: e.size, lastModified: new Date(e.mtime), input: files.open(e.fileId, e.versionId).stream }
    }
  }
  return { name: zipName(request), size: Number(predictLength(meta)), type: 'application/zip', stream: makeZip(inputs()) }
}
