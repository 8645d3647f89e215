import { closeSync, existsSync, openSync, readdirSync, readSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/** Where Chromium keeps an origin's OPFS files on disk, relative to the profile. */
export const OPFS_DIR = join('Default', 'File System')

const PACK_MAGIC = Buffer.from('CRNP')

function * walk (dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield * walk(path)
    else if (entry.isFile()) yield path
  }
}

/** The largest Cairn pack file (it starts with "CRNP") under `dir`: OPFS stores file bytes as they are. */
export function largestPackFile (dir: string): string {
  if (!existsSync(dir)) throw new Error(`no ${dir}`)
  let best: { path: string, size: number } | undefined
  for (const path of walk(dir)) {
    const size = statSync(path).size
    if (size < PACK_MAGIC.length) continue
    const head = Buffer.alloc(PACK_MAGIC.length)
    const fd = openSync(path, 'r')
    try { readSync(fd, head, 0, head.length, 0) } finally { closeSync(fd) }
    if (head.equals(PACK_MAGIC) && (best === undefined || size > best.size)) best = { path, size }
  }
  if (best === undefined) throw new Error(`no pack file under ${dir}`)
  return best.path
}

/** Flips every bit of one byte at `offset` of the largest pack file under `dir`, as a failing disk would. */
export function flipPackByte (dir: string, offset: number): string {
  const path = largestPackFile(dir)
  const fd = openSync(path, 'r+')
  try {
    const one = Buffer.alloc(1)
    if (readSync(fd, one, 0, 1, offset) !== 1) throw new Error(`${path} is shorter than ${offset + 1} bytes`)
    one[0] = (one[0] as number) ^ 0xff
    writeSync(fd, one, 0, 1, offset)
  } finally {
    closeSync(fd)
  }
  return path
}
