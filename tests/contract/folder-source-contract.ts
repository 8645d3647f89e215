/**
 * One FolderSource contract (core/folder-sync/folder-source.ts), run against
 * the node:fs adapter under node:test (real temp folders) and against the FS
 * Access adapter inside real Chromium (OPFS directory handles stand in for
 * picked folders, DESIGN §9). Assertions are ours, so it runs in either host.
 */

import type { FolderEntry, FolderSource } from '../../core/folder-sync/folder-source.ts'
import { bytesEqual, equal, ok, rejects } from './assert.ts'
import { collectBytes, pseudoRandomBytes } from './block-fixtures.ts'
import type { ContractHarness } from './contract-support.ts'

export interface FolderSourceFactory {
  /** A source on a fresh, empty folder. */
  open: () => Promise<FolderSource>
  dispose?: (source: FolderSource) => Promise<void>
  /** Whether this source reports changes (false: the engine's schedule rescans instead). */
  watches: boolean
}

const DAY = 86_400_000

function streamOf (bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start (controller) {
      // Two pieces, so a writer that keeps only the last chunk is caught.
      const half = Math.floor(bytes.length / 2)
      if (half > 0) controller.enqueue(bytes.slice(0, half))
      if (bytes.length - half > 0) controller.enqueue(bytes.slice(half))
      controller.close()
    }
  })
}

async function readAll (source: FolderSource, path: string): Promise<Uint8Array> {
  const stream = await source.read(path)
  const chunks: Uint8Array[] = []
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
  }
  return await collectBytes(chunks)
}

async function listAll (source: FolderSource, skip?: (path: string) => boolean): Promise<Map<string, FolderEntry>> {
  const out = new Map<string, FolderEntry>()
  for await (const entry of source.list(skip !== undefined ? { skipFolder: skip } : {})) out.set(entry.path, entry)
  return out
}

function codeOf (err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined
}

async function waitFor (what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}

/** Registers the whole contract for one implementation. */
export function runFolderSourceContract (name: string, factory: FolderSourceFactory, harness: ContractHarness): void {
  const { describe, it } = harness
  const withSource = async (fn: (source: FolderSource) => Promise<void>): Promise<void> => {
    const source = await factory.open()
    try {
      await fn(source)
    } finally {
      await factory.dispose?.(source)
    }
  }

  describe(`folder source contract: ${name}`, () => {
    it('lists nothing in an empty folder', async () => withSource(async (source) => {
      equal((await listAll(source)).size, 0, 'entries in an empty folder')
    }))

    it('is empty with nothing but its trash, and not with an empty folder in it', async () => withSource(async (source) => {
      equal(await source.isEmpty(), true, 'a new folder is empty')
      await source.mkdir('.cairn-trash/2025-01-01')
      equal(await source.isEmpty(), true, 'its trash alone does not count')
      await source.mkdir('empty')
      equal(await source.isEmpty(), false, 'an empty folder in it counts')
    }))

    it('writes, lists, stats and reads back nested, non-ASCII and empty files', async () => withSource(async (source) => {
      const files: Array<[string, Uint8Array]> = [
        ['a.txt', pseudoRandomBytes(1000, 1)],
        ['deep/er/still/b.bin', pseudoRandomBytes(300_000, 2)],
        ['Ünïcødé/日本語 ファイル.txt', pseudoRandomBytes(17, 3)],
        ['empty.txt', new Uint8Array(0)]
      ]
      for (const [path, bytes] of files) {
        const written = await source.write(path, streamOf(bytes), Date.now())
        equal(written.path, path, 'write() names the file it wrote')
        equal(written.size, bytes.length, `write() size of ${path}`)
      }
      const listed = await listAll(source)
      equal(listed.size, files.length, 'files listed (folders are walked, not listed)')
      for (const [path, bytes] of files) {
        const entry = listed.get(path)
        ok(entry !== undefined, `${path} is listed`)
        equal(entry.size, bytes.length, `listed size of ${path}`)
        ok(Number.isInteger(entry.mtime) && entry.mtime > 0, `${path} has an mtime in whole ms`)
        equal((await source.stat(path))?.size, bytes.length, `stat() size of ${path}`)
        bytesEqual(await readAll(source, path), bytes, `bytes of ${path}`)
      }
    }))

    it('overwrites a file whole and leaves no temp file behind', async () => withSource(async (source) => {
      await source.write('doc.txt', streamOf(pseudoRandomBytes(5000, 4)), Date.now())
      const second = pseudoRandomBytes(100, 5)
      await source.write('doc.txt', streamOf(second), Date.now())
      bytesEqual(await readAll(source, 'doc.txt'), second, 'the second write replaced the first')
      equal([...(await listAll(source)).keys()].join(','), 'doc.txt', 'only the file is listed')
    }))

    it('a write whose content fails leaves no file where there was none, and the old file where there was one', async () => withSource(async (source) => {
      const failing = (): ReadableStream<Uint8Array> => new ReadableStream({
        start (controller) {
          controller.enqueue(pseudoRandomBytes(1000, 6))
          controller.error(Object.assign(new Error('no peer has it'), { code: 'BLOCK_UNAVAILABLE' }))
        }
      })
      await rejects(async () => await source.write('new/fresh.txt', failing(), Date.now()), 'the failed write of a new file')
      equal(await source.stat('new/fresh.txt'), undefined, 'no empty or partial new file')
      const old = pseudoRandomBytes(300, 7)
      await source.write('kept.txt', streamOf(old), Date.now())
      await rejects(async () => await source.write('kept.txt', failing(), Date.now()), 'the failed write over a file')
      bytesEqual(await readAll(source, 'kept.txt'), old, 'the old file is whole')
      equal([...(await listAll(source)).keys()].join(','), 'kept.txt', 'nothing else is listed')
    }))

    it('sets the mtime it is given, where the file system allows', async () => withSource(async (source) => {
      const mtime = Date.UTC(2021, 4, 6, 7, 8, 9, 123)
      const written = await source.write('old.txt', streamOf(new Uint8Array([1, 2, 3])), mtime)
      if (source.setsMtime) {
        equal(written.mtime, mtime, 'mtime returned by write()')
        equal((await source.stat('old.txt'))?.mtime, mtime, 'mtime on disk')
      } else {
        ok(written.mtime > mtime, 'a source that cannot set mtimes reports the time it wrote')
      }
    }))

    it('says a missing file is missing', async () => withSource(async (source) => {
      equal(await source.stat('nope.txt'), undefined, 'stat() of a missing file')
      equal(codeOf(await rejects(async () => source.read('nope.txt'), 'read() of a missing file')), 'FILE_NOT_FOUND', 'read() code')
    }))

    it('renames into new folders and refuses a taken name', async () => withSource(async (source) => {
      const bytes = pseudoRandomBytes(2000, 6)
      await source.write('from.txt', streamOf(bytes), Date.now())
      await source.write('taken.txt', streamOf(new Uint8Array([9])), Date.now())
      await source.rename('from.txt', 'new/folder/to.txt')
      equal(await source.stat('from.txt'), undefined, 'the old name is gone')
      bytesEqual(await readAll(source, 'new/folder/to.txt'), bytes, 'bytes under the new name')
      const err = await rejects(async () => source.rename('new/folder/to.txt', 'taken.txt'), 'rename onto a taken name')
      equal(codeOf(err), 'FOLDER_FILE_EXISTS', 'rename onto a taken name')
      bytesEqual(await readAll(source, 'taken.txt'), new Uint8Array([9]), 'the taken file is untouched')
    }))

    it('moves a file to the dated trash, keeping both when trashed twice', async () => withSource(async (source) => {
      const now = Date.UTC(2026, 0, 2, 12)
      await source.write('x/gone.txt', streamOf(new Uint8Array([1])), Date.now())
      const first = await source.trash('x/gone.txt', now)
      equal(first, '.cairn-trash/2026-01-02/x/gone.txt', 'trash path')
      await source.write('x/gone.txt', streamOf(new Uint8Array([2])), Date.now())
      const second = await source.trash('x/gone.txt', now)
      ok(second !== first && second.startsWith('.cairn-trash/2026-01-02/'), `a second trashing keeps the first (${second})`)
      equal(await source.stat('x/gone.txt'), undefined, 'no longer at its path')
      bytesEqual(await readAll(source, first), new Uint8Array([1]), 'first trashed copy')
      bytesEqual(await readAll(source, second), new Uint8Array([2]), 'second trashed copy')
      await source.remove('.cairn-trash/2026-01-02')
      equal((await listAll(source)).size, 0, 'emptying the trash folder removes both')
      void DAY
    }))

    it('never deletes outside its trash', async () => withSource(async (source) => {
      await source.write('keep.txt', streamOf(new Uint8Array([1])), Date.now())
      await rejects(async () => source.remove('keep.txt'), 'remove() outside the trash')
      ok(await source.stat('keep.txt') !== undefined, 'the file is still there')
    }))

    it('skips the folders it is told to and lists no empty folders', async () => withSource(async (source) => {
      await source.write('node_modules/pkg/index.js', streamOf(new Uint8Array([1])), Date.now())
      await source.write('src/main.ts', streamOf(new Uint8Array([2])), Date.now())
      await source.mkdir('empty/folder')
      const listed = await listAll(source, (path) => path === 'node_modules')
      equal([...listed.keys()].join(','), 'src/main.ts', 'listed with node_modules skipped')
    }))

    it('reports a change made in the folder', async () => withSource(async (source) => {
      if (!factory.watches) return
      const seen: string[] = []
      const watch = await source.watch((paths) => { seen.push(...paths) })
      const writes: Array<Promise<unknown>> = []
      try {
        // Written until seen: a native watcher may need a moment after subscribing.
        let n = 0
        await waitFor('a change to be reported', () => {
          if (seen.length === 0 && n++ % 20 === 0) writes.push(source.write(`watched-${n}.txt`, streamOf(new Uint8Array([n])), Date.now()))
          return seen.some(p => p.startsWith('watched-'))
        })
      } finally {
        await watch.stop()
        // A write still open when the folder is removed makes the removal fail (OPFS: NoModificationAllowedError).
        await Promise.allSettled(writes)
      }
    }))
  })
}
