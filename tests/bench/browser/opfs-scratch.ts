/**
 * The benchmark's OPFS scratch space: one directory under the origin's root,
 * emptied before each measurement so no run reads or dedups against another's
 * data, and left empty at the end.
 */

const SCRATCH = 'cairn-bench'

async function scratchRoot (): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory()
  return await root.getDirectoryHandle(SCRATCH, { create: true })
}

/** Deletes everything the benchmark has stored in OPFS. */
export async function clearScratch (): Promise<void> {
  const root = await navigator.storage.getDirectory()
  await root.removeEntry(SCRATCH, { recursive: true }).catch((err: unknown) => {
    if ((err as { name?: unknown } | null)?.name !== 'NotFoundError') throw err
  })
}

/** A new, empty directory `name` in a cleared scratch space. */
export async function freshDirectory (name: string): Promise<FileSystemDirectoryHandle> {
  await clearScratch()
  return await (await scratchRoot()).getDirectoryHandle(name, { create: true })
}
