/**
 * A vault path like `wanted` that is not in `taken`: "a/b.txt" stays when
 * free, else becomes "a/b (2).txt", "a/b (3).txt", … Files that arrive from
 * someone else (a share link, the OS share sheet) never replace a file of the
 * same name.
 */
export function freePath (wanted: string, taken: Pick<ReadonlySet<string>, 'has'>): string {
  if (!taken.has(wanted)) return wanted
  const slash = wanted.lastIndexOf('/')
  const name = wanted.slice(slash + 1)
  const dot = name.lastIndexOf('.')
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, '']
  const folder = wanted.slice(0, slash + 1)
  for (let n = 2; ; n++) {
    const candidate = `${folder}${stem} (${n})${ext}`
    if (!taken.has(candidate)) return candidate
  }
}

/** The last part of a path or name ("a/b/c.txt" → "c.txt"), never empty. */
export function lastSegment (path: string): string {
  const parts = path.split('/').filter(part => part !== '' && part !== '.' && part !== '..')
  return parts.at(-1) ?? 'shared file'
}
