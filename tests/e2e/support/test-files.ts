import { randomBytes } from 'node:crypto'
import { mkdtempSync, openSync, writeSync, closeSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256File } from './cairn-app.ts'

export interface TestFile {
  name: string
  path: string
  size: number
  sha256: string
}

/**
 * Files on disk for upload tests. Each non-empty file carries a random 64-byte
 * `marker` at its start, middle and end, so a test can search storage for any
 * trace of the plaintext.
 */
export class TestFiles {
  readonly dir = mkdtempSync(join(tmpdir(), 'cairn-files-'))
  readonly marker = randomBytes(64)

  make (name: string, size: number): TestFile {
    const path = join(this.dir, name)
    const fd = openSync(path, 'w')
    try {
      const piece = 4 * 1024 * 1024
      for (let offset = 0; offset < size; offset += piece) {
        const bytes = randomBytes(Math.min(piece, size - offset))
        writeSync(fd, bytes, 0, bytes.length, offset)
      }
      if (size >= this.marker.length * 3) {
        for (const at of [0, Math.floor(size / 2), size - this.marker.length]) writeSync(fd, this.marker, 0, this.marker.length, at)
      }
    } finally {
      closeSync(fd)
    }
    return { name, path, size, sha256: sha256File(path) }
  }

  dispose (): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}
