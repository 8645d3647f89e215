import type { PickedFile } from '../models/uploads-model.ts'

/** What a drop holds: its files, and the folders in it that hold nothing (a file list alone would lose them). */
export interface Dropped {
  files: PickedFile[]
  /** Paths of dropped folders with no file anywhere below them, deepest only ("trip/empty", not "trip"). */
  emptyFolders: string[]
}

/**
 * The files in a drop, folders walked recursively. Files inside a dropped
 * folder keep their path from that folder ("photos/2024/cat.jpg"), like a
 * folder picked with `webkitdirectory`. Entries must be taken synchronously
 * in the drop handler (the browser empties the DataTransfer afterwards), so
 * call this from the handler itself.
 */
export function droppedFiles (data: DataTransfer): Promise<Dropped> {
  const entries: FileSystemEntry[] = []
  const plain: File[] = []
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null
    if (entry !== null) entries.push(entry)
    else {
      const file = item.getAsFile()
      if (file !== null) plain.push(file)
    }
  }
  if (entries.length === 0 && plain.length === 0) plain.push(...Array.from(data.files))
  return (async () => {
    const out: Dropped = { files: plain.map(file => ({ file })), emptyFolders: [] }
    for (const entry of entries) await walk(entry, out)
    return out
  })()
}

/** Adds what is at `entry` to `out`; true when that was anything (a file, or an empty folder's path). */
async function walk (entry: FileSystemEntry, out: Dropped): Promise<boolean> {
  // fullPath is "/folder/file" for entries inside a dropped folder, "/file" at the top.
  const path = entry.fullPath.replace(/^\/+/, '')
  if (isFile(entry)) {
    const file = await new Promise<File>((resolve, reject) => { entry.file(resolve, reject) })
    out.files.push(path.includes('/') ? { file, path } : { file })
    return true
  }
  if (!isDirectory(entry)) return false
  const reader = entry.createReader()
  let holdsAny = false
  // readEntries returns the children in batches until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => { reader.readEntries(resolve, reject) })
    if (batch.length === 0) break
    for (const child of batch) if (await walk(child, out)) holdsAny = true
  }
  if (!holdsAny && path !== '') out.emptyFolders.push(path)
  return true
}

function isFile (entry: FileSystemEntry): entry is FileSystemFileEntry {
  return entry.isFile
}

function isDirectory (entry: FileSystemEntry): entry is FileSystemDirectoryEntry {
  return entry.isDirectory
}

/** True when a drag carries files (not text or a link from the page). */
export function dragHasFiles (data: DataTransfer | null): boolean {
  return data !== null && Array.from(data.types).includes('Files')
}
