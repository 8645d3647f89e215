/**
 * The folders of the vault as the browser walks them: every folder above a
 * file, plus the folders the user made (kept while empty). Pure functions.
 */

/** Every folder: the parents of each path, and `explicit` (with their parents), sorted. */
export function allFolders (paths: readonly string[], explicit: readonly string[] = []): string[] {
  const out = new Set<string>()
  const addParents = (path: string, self: boolean): void => {
    const parts = path.split('/')
    const last = self ? parts.length : parts.length - 1
    for (let i = 1; i <= last; i++) out.add(parts.slice(0, i).join('/'))
  }
  for (const path of paths) addParents(path, false)
  for (const folder of explicit) if (folder !== '') addParents(folder, true)
  return [...out].sort(compareFolders)
}

/** Folder order: parents before children, names compared segment by segment. */
export function compareFolders (a: string, b: string): number {
  const x = a.split('/')
  const y = b.split('/')
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = collator.compare(x[i] as string, y[i] as string)
    if (c !== 0) return c
  }
  return x.length - y.length
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/** The folder holding `path` ('' for the top). */
export function parentOf (path: string): string {
  const slash = path.lastIndexOf('/')
  return slash < 0 ? '' : path.slice(0, slash)
}

/** The last segment of a path. */
export function nameOf (path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** `name` inside `folder`. */
export function childPath (folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`
}

/** The folders directly inside `folder`. */
export function childFolders (folders: readonly string[], folder: string): string[] {
  return folders.filter(f => parentOf(f) === folder && f !== '')
}

/** The breadcrumbs of `folder`: the top, then each folder down to it. */
export function breadcrumbs (folder: string): Array<{ path: string, name: string }> {
  const crumbs = [{ path: '', name: 'All files' }]
  if (folder === '') return crumbs
  const parts = folder.split('/')
  for (let i = 1; i <= parts.length; i++) crumbs.push({ path: parts.slice(0, i).join('/'), name: parts[i - 1] as string })
  return crumbs
}

/** One line of the folder tree: a folder at its depth, shown when every folder above it is open. */
export interface TreeLine { path: string, name: string, depth: number, hasChildren: boolean }

/** The tree's visible lines: the folders whose parents are all in `open` (the top is always open). */
export function treeLines (folders: readonly string[], open: ReadonlySet<string>): TreeLine[] {
  const hasChildren = new Set(folders.map(parentOf))
  const lines: TreeLine[] = []
  for (const path of folders) {
    let parent = parentOf(path)
    let shown = true
    while (parent !== '') {
      if (!open.has(parent)) { shown = false; break }
      parent = parentOf(parent)
    }
    if (shown) lines.push({ path, name: nameOf(path), depth: path.split('/').length - 1, hasChildren: hasChildren.has(path) })
  }
  return lines
}

/** A name for a new folder that is not taken: "New folder", "New folder 2", … */
export function freeFolderName (taken: ReadonlySet<string>, folder: string, base = 'New folder'): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base} ${n}`
    if (!taken.has(childPath(folder, name))) return name
  }
}

/** True when moving `folder` into `target` would put it inside itself. */
export function isInside (target: string, folder: string): boolean {
  return target === folder || target.startsWith(folder + '/')
}
