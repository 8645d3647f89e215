import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { NodeFolderSource, writeAll } from '../../../desktop/folders/node-folder-source.ts'

// A disk that fills up while a synced file is written: a write may take only
// part of the bytes without an error, and a short file must never replace
// the one the user had.

/** A file handle that takes at most `most` bytes a call (0: the disk is full). */
function takingAtMost (most: number): { handle: Parameters<typeof writeAll>[0], taken: number[] } {
  const taken: number[] = []
  const handle = {
    write: async (bytes: Uint8Array, offset = 0, length = bytes.byteLength - offset) => {
      const n = Math.min(most, length)
      taken.push(...bytes.subarray(offset, offset + n))
      return { bytesWritten: n, buffer: bytes }
    }
  } as unknown as Parameters<typeof writeAll>[0]
  return { handle, taken }
}

function streamOf (bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({ start (c) { c.enqueue(bytes); c.close() } })
}

describe('folder writes on a full disk', () => {
  it('writes every byte when each write takes only part, and says the disk is full when one takes none', async () => {
    const bytes = new Uint8Array(randomBytes(100))
    const partial = takingAtMost(7)
    await writeAll(partial.handle, bytes)
    assert.deepEqual(Uint8Array.from(partial.taken), bytes)
    await assert.rejects(writeAll(takingAtMost(0).handle, bytes), { code: 'FOLDER_DISK_FULL' })
  })

  it('a file too large for what is left of a real disk (a 1 MiB tmpfs) leaves the old file whole and no temp file', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-small-disk-'))
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir])
    if (mounted.status !== 0) {
      await rm(dir, { recursive: true, force: true })
      t.skip('cannot mount a small tmpfs here (needs root)')
      return
    }
    try {
      const old = new Uint8Array(randomBytes(200 * 1024))
      await writeFile(join(dir, 'doc.bin'), old)
      const source = new NodeFolderSource(dir)
      await assert.rejects(source.write('doc.bin', streamOf(new Uint8Array(randomBytes(1000 * 1024))), Date.now()), (err: NodeJS.ErrnoException) => err.code === 'FOLDER_DISK_FULL' || err.code === 'ENOSPC')
      assert.deepEqual(new Uint8Array(await readFile(join(dir, 'doc.bin'))), old)
      assert.deepEqual(await readdir(dir), ['doc.bin'])
    } finally {
      spawnSync('umount', [dir])
      await rm(dir, { recursive: true, force: true })
    }
  })
})
