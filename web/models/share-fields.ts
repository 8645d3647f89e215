/** The share forms' pure parts: expiry dates from date fields, and the folders a vault holds. */

/** The end of the local day a date field names ("2026-03-12" → 12 March 23:59:59.999 here); undefined when it isn't a date. */
export function endOfLocalDay (value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (match === null) return undefined
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const end = new Date(year, month - 1, day, 23, 59, 59, 999)
  // new Date rolls 31 February over into March; such a value is not a date.
  if (end.getFullYear() !== year || end.getMonth() !== month - 1 || end.getDate() !== day) return undefined
  return end.getTime()
}

/** Today as a date field value ("YYYY-MM-DD", local), for the field's `min`. */
export function localDateValue (ms: number): string {
  const d = new Date(ms)
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/**
 * What a date field asks for: undefined (never) for '', the end of that local
 * day, or null when it is not a date or that day is over (SHARE_EXPIRY_INVALID).
 */
export function expiryOf (value: string, now: number): number | undefined | null {
  if (value === '') return undefined
  const end = endOfLocalDay(value)
  return end === undefined || end <= now ? null : end
}

/** Every folder holding a file: each proper prefix of each path ("a/b/c.txt" → "a", "a/b"), sorted. */
export function foldersOf (paths: Iterable<string>): string[] {
  const folders = new Set<string>()
  for (const path of paths) {
    for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) {
      const prefix = path.slice(0, at)
      if (prefix !== '' && !prefix.endsWith('/')) folders.add(prefix)
    }
  }
  return [...folders].sort((a, b) => a.localeCompare(b))
}
