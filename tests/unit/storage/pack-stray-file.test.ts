import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isCairnError } from '../../../core/errors.ts'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'

/**
 * A file that only looks like one of the store's (a user's `00000001.pack`
 * copied into the folder, another program's file) is refused with a clear
 * error, and the refused open leaves the folder exactly as it found it: no
 * empty partner file made for it that the user would then have to clean up.
 */

async function writeFile (files: MemoryPackFiles, name: string, text: string): Promise<void> {
  const file = await files.open(name)
  await file.write(0, new TextEncoder().encode(text))
  await file.flush()
  await file.close()
}

async function refusedOpen (files: MemoryPackFiles): Promise<void> {
  const store = new PackBlockstore({ files }, {})
  await assert.rejects(store.start(), (err: unknown) => isCairnError(err, 'STORAGE_FAILED') && /not a Cairn pack file/.test((err as Error).message))
}

describe('pack blockstore: a stray file named like its own', () => {
  it('a foreign "pack" with no journal is refused and no journal is made for it', async () => {
    const files = new MemoryPackFiles()
    await writeFile(files, '00000001.pack', 'holiday photos, not a pack file at all')
    await refusedOpen(files)
    assert.deepEqual((await files.list()).sort(), ['00000001.pack'])
    assert.deepEqual(files.openFiles(), [], 'nothing left open')
  })

  it('a foreign "journal" with no pack is refused and no pack is made for it', async () => {
    const files = new MemoryPackFiles()
    await writeFile(files, '00000003.jrnl', 'a text file someone named oddly')
    await refusedOpen(files)
    assert.deepEqual((await files.list()).sort(), ['00000003.jrnl'])
    assert.deepEqual(files.openFiles(), [], 'nothing left open')
  })

  it('a foreign file beside a real store is refused and the store\'s files are unchanged', async () => {
    const files = new MemoryPackFiles()
    const first = new PackBlockstore({ files }, {})
    await first.start()
    await first.stop()
    const before = (await files.list()).sort()
    await writeFile(files, '00000002.jrnl', 'not ours')
    await refusedOpen(files)
    assert.deepEqual((await files.list()).sort(), [...before, '00000002.jrnl'].sort())
  })
})
