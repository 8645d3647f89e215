/** A copy of `record` without `key` (records of per-peer state are replaced, never mutated, so signals see the change). */
export function without<T> (record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key))
}
