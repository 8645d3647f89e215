import { closeSync, openSync, readFileSync, readSync } from 'node:fs'

/**
 * Searches a live process's writable memory (Linux /proc/<pid>/mem; needs
 * the same user or root) for any of the needles. Returns how many bytes were
 * scanned and which needles were found, so a test can show the relay never
 * held plaintext.
 */
export function searchProcessMemory (pid: number, needles: Record<string, Uint8Array>): { bytesScanned: number, found: string[] } {
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')
  const fd = openSync(`/proc/${pid}/mem`, 'r')
  const found = new Set<string>()
  let bytesScanned = 0
  try {
    for (const line of maps) {
      const [range, perms] = line.split(' ')
      if (range === undefined || perms === undefined || !perms.startsWith('rw')) continue
      const [start, end] = range.split('-').map(hex => Number.parseInt(hex, 16))
      if (start === undefined || end === undefined || end - start > 1024 * 1024 * 1024) continue
      const buffer = Buffer.alloc(end - start)
      let read = 0
      try {
        read = readSync(fd, buffer, 0, buffer.length, start)
      } catch {
        continue // guard pages and the like cannot be read
      }
      bytesScanned += read
      const region = buffer.subarray(0, read)
      for (const [label, needle] of Object.entries(needles)) if (region.indexOf(needle) !== -1) found.add(label)
    }
  } finally {
    closeSync(fd)
  }
  return { bytesScanned, found: [...found] }
}
