/**
 * `count` distinct positions out of 1..`total`, in ascending order, chosen with
 * the platform CSPRNG (which words the user is asked to type back should not
 * be predictable, or the check proves nothing).
 */
export function randomPositions (count: number, total: number): number[] {
  if (count > total) throw new RangeError(`cannot pick ${count} of ${total}`)
  const pool = Array.from({ length: total }, (_, i) => i + 1)
  const random = new Uint32Array(count)
  globalThis.crypto.getRandomValues(random)
  // Partial Fisher–Yates: the first `count` slots become the sample.
  for (let i = 0; i < count; i++) {
    const j = i + ((random[i] ?? 0) % (total - i))
    const a = pool[i] as number
    pool[i] = pool[j] as number
    pool[j] = a
  }
  return pool.slice(0, count).sort((a, b) => a - b)
}
