import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import type { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import type { PackFile } from '../../../core/storage/pack-files.ts'
import { FILE_HEADER_LENGTH, parseFileName } from '../../../core/storage/pack-format.ts'
import { collectAll, collectBytes, makeBlock, type Block } from '../../contract/block-fixtures.ts'
import { openMemoryPackStore } from './memory-pack-store.ts'

type Step = { op: 'write', name: string, offset: number } | { op: 'remove', name: string }

/**
 * Memory files that "kill the process" at a chosen write or remove: the
 * files stay as a crash leaves them and every later call fails, until
 * `revive()` (the next start).
 */
class CrashingFiles extends MemoryPackFiles {
  crashAt: ((step: Step) => boolean) | undefined
  lose: 'unflushed' | 'nothing' = 'nothing'
  /** Fails the call at `crashAt` once and goes on working, instead of crashing. */
  failOnly = false
  crashed = false

  override async open (name: string): Promise<PackFile> {
    this.check()
    const file = await super.open(name)
    return {
      ...file,
      write: (offset, bytes) => {
        this.step({ op: 'write', name, offset })
        return file.write(offset, bytes)
      }
    }
  }

  override async remove (name: string): Promise<void> {
    this.step({ op: 'remove', name })
    await super.remove(name)
  }

  revive (): void {
    this.crashed = false
    this.crashAt = undefined
  }

  private step (step: Step): void {
    this.check()
    if (this.crashAt?.(step) !== true) return
    if (this.failOnly) {
      this.crashAt = undefined
      throw new DOMException(`${step.name} is in use`, 'NoModificationAllowedError')
    }
    this.crash(this.lose)
    this.crashed = true
    throw new DOMException('the process died', 'InvalidStateError')
  }

  private check (): void {
    if (this.crashed) throw new DOMException('the process died', 'InvalidStateError')
  }
}

/** Every block of `live` reads back byte for byte, and none of `gone` is there. */
async function assertHolds (store: PackBlockstore, live: Block[], gone: Block[], when: string): Promise<void> {
  for (const block of live) assert.deepEqual(await collectBytes(store.get(block.cid)), block.bytes, `${when}: a live block reads back`)
  for (const block of gone) assert.equal(store.has(block.cid), false, `${when}: a deleted block stays deleted`)
  assert.equal(store.stats().blocks, live.length, `${when}: live block count`)
}

async function packsOn (files: MemoryPackFiles): Promise<number[]> {
  return (await files.list()).flatMap((name) => {
    const parsed = parseFileName(name)
    return parsed?.kind === 'pack' ? [parsed.pack] : []
  }).sort((a, b) => a - b)
}

/** A fresh MemoryPackFiles holding a copy of every file of `files`, `cut` to the given lengths. */
async function cloneOf (files: MemoryPackFiles, cut: Record<string, number> = {}): Promise<MemoryPackFiles> {
  const copy = new MemoryPackFiles()
  for (const name of await files.list()) {
    const file = await copy.open(name)
    const bytes = files.bytes(name)
    await file.write(0, bytes.subarray(0, cut[name] ?? bytes.length))
    await file.close()
  }
  return copy
}

// 1000-byte blocks, nine to a 10 000-byte pack: 27 blocks fill packs 1–3.
const init = { maxPackSize: 10_000 }

/**
 * Fills packs 1–3, deletes five of pack 1's nine blocks (their tombstones go
 * to journal 3) and lets the compaction this starts run under `crashAt`: it
 * copies pack 1's four live blocks to a new pack 4, then removes pack 1.
 */
async function compactUnder (files: CrashingFiles, crashAt: (step: Step) => boolean): Promise<{ store: PackBlockstore, live: Block[], gone: Block[] }> {
  const { store } = await openMemoryPackStore(init, files)
  const blocks = await Promise.all(Array.from({ length: 27 }, async (_, i) => makeBlock(1000, 700 + i)))
  await collectAll(store.putMany(blocks))
  assert.deepEqual(await packsOn(files), [1, 2, 3])
  const gone = blocks.slice(0, 5)
  files.crashAt = crashAt
  await collectAll(store.deleteMany(gone.map((b) => b.cid)))
  await store.compacted()
  return { store, live: blocks.slice(5), gone }
}

/** Restarts on what the crash left, checks, compacts again and checks once more. */
async function restartAndCheck (files: CrashingFiles, live: Block[], gone: Block[], when: string): Promise<void> {
  files.revive()
  const { store } = await openMemoryPackStore(init, files)
  await assertHolds(store, live, gone, `${when}, after the restart`)
  await store.compact()
  assert.equal((await packsOn(files)).includes(1), false, `${when}: pack 1 is gone once compaction ran again`)
  await assertHolds(store, live, gone, `${when}, compacted again`)
  await store.stop()
  const { store: again } = await openMemoryPackStore(init, files)
  await assertHolds(again, live, gone, `${when}, after one more restart`)
  await again.stop()
}

const crashes: Array<{ when: string, at: (step: Step) => boolean }> = [
  { when: 'while a copy is written', at: (s) => s.op === 'write' && s.name === '00000004.pack' && s.offset >= FILE_HEADER_LENGTH },
  { when: 'while the copies are journaled', at: (s) => s.op === 'write' && s.name === '00000004.jrnl' && s.offset >= FILE_HEADER_LENGTH },
  { when: 'after the copy, before the removal', at: (s) => s.op === 'remove' && s.name === '00000001.jrnl' },
  { when: 'between removing the journal and the pack', at: (s) => s.op === 'remove' && s.name === '00000001.pack' },
  { when: 'while the index is saved after the removal', at: (s) => s.op === 'write' && s.name.startsWith('index-') }
]

describe('PackBlockstore compaction survives a crash', () => {
  for (const { when, at } of crashes) {
    for (const lose of ['nothing', 'unflushed'] as const) {
      it(`${when} (${lose} lost): no live block lost, no deleted block back`, async () => {
        const files = new CrashingFiles()
        files.lose = lose
        const { live, gone } = await compactUnder(files, at)
        assert.equal(files.crashed, true, 'the crash point was reached')
        await restartAndCheck(files, live, gone, when)
      })
    }
  }

  it('keeps deleted blocks deleted when removing the old journal failed and the store went on', async () => {
    const files = new CrashingFiles()
    files.failOnly = true
    const { store, live, gone } = await compactUnder(files, (s) => s.op === 'remove' && s.name === '00000001.jrnl')
    assert.equal((await files.list()).includes('00000001.jrnl'), true, 'the journal is still there')
    await assertHolds(store, live, gone, 'after the failed removal')
    // More work, then a clean stop: the saved index no longer lists pack 1.
    const more = await makeBlock(1000, 999)
    await store.put(more.cid, more.bytes)
    await store.stop()
    live.push(more)
    await restartAndCheck(files, live, gone, 'after a failed removal')
  })

  it('with the new journal cut at any byte after the copy: every live block from one copy or the other', async () => {
    const files = new CrashingFiles()
    const { live, gone } = await compactUnder(files, (s) => s.op === 'remove' && s.name === '00000001.jrnl')
    const journal = files.bytes('00000004.jrnl')
    assert.ok(journal.length > FILE_HEADER_LENGTH + 4 * 24, 'the four copies were journaled')
    for (let cut = 0; cut <= journal.length; cut++) {
      const copy = await cloneOf(files, { '00000004.jrnl': cut })
      const { store } = await openMemoryPackStore(init, copy)
      await assertHolds(store, live, gone, `journal cut at ${cut}`)
      await store.compact()
      await assertHolds(store, live, gone, `journal cut at ${cut}, compacted again`)
      await store.stop()
    }
  })
})
