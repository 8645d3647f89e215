import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { MemoryBlockstore } from 'blockstore-core/memory'
import type { IndexLog } from '../../../core/index/index-log.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { DEFAULT_VERSION_RETENTION } from '../../../core/vault/retention.ts'
import { VaultHistory } from '../../../core/vault/vault-history.ts'
import { readAll } from './share-test-support.ts'
import { LAPTOP, T0, concurrentEdits } from './concurrent-edits-support.ts'

const text = async (opened: { stream: ReadableStream<Uint8Array> }): Promise<string> => new TextDecoder().decode(await readAll(opened.stream))

function historyOf (log: IndexLog, blockstore: MemoryBlockstore, now = T0): VaultHistory {
  return new VaultHistory({ blockstore, index: log, log: new LogBuffer().for('vault') },
    { deviceId: LAPTOP, now: () => now, retention: () => DEFAULT_VERSION_RETENTION, shareContent: async () => ({ roots: [], blocks: [] }) })
}

describe('opening a conflict copy (a concurrent edit shown beside its file)', () => {
  it('opens the copy\'s own content by its versionId, and the file\'s current content without one', async () => {
    const { log, files } = await concurrentEdits()
    const listed = files.list()
    const copy = listed.find(f => f.versionId !== undefined)
    const current = listed.find(f => f.versionId === undefined)
    assert.ok(copy !== undefined && current !== undefined)
    assert.equal(copy.fileId, current.fileId, 'the copy shares its file\'s id')
    // The phone's edit is later: it is the file; the laptop's is the copy.
    assert.equal(await text(files.open(current.fileId)), 'phone edit')
    const opened = files.open(copy.fileId, copy.versionId)
    assert.equal(opened.info.path, copy.path)
    assert.equal(await text(opened), 'laptop edit')
    await log.stop()
  })

  it('opens an earlier version by its versionId; an unknown one is FILE_NOT_FOUND, a wrong type INVALID_ARGUMENT', async () => {
    const { log, files, blockstore } = await concurrentEdits()
    const fileId = files.list()[0]?.fileId as string
    const versions = historyOf(log, blockstore).versions(fileId)
    // The Versions dialog lists the first draft once, and not the copy the Files page shows already.
    assert.deepEqual(versions.map(v => v.size), [11])
    assert.equal(await text(files.open(fileId, versions[0]?.versionId)), 'first draft')
    assert.throws(() => files.open(fileId, 'no-such-version'), (err: { code?: string }) => err.code === 'FILE_NOT_FOUND')
    assert.throws(() => files.open(fileId, 42 as unknown as string), (err: { code?: string }) => err.code === 'INVALID_ARGUMENT')
    await log.stop()
  })

  it('the retention prunes earlier versions but never a conflict copy: it stays until resolved', async () => {
    const { log, files, blockstore } = await concurrentEdits()
    const copy = files.list().find(f => f.versionId !== undefined)
    assert.ok(copy !== undefined)
    const history = historyOf(log, blockstore, T0 + 365 * 86_400_000)
    assert.equal(await history.tidy(), true)
    assert.deepEqual(history.versions(copy.fileId), [], 'the first draft was pruned')
    assert.equal(await text(files.open(copy.fileId, copy.versionId)), 'laptop edit')
    assert.equal(files.list().filter(f => f.versionId !== undefined).length, 1)
    await log.stop()
  })
})

describe('saving to the name a concurrent edit is shown under', () => {
  // 'a new text' is stored anew; 'phone edit' is the file's own content, so that save is recorded as a duplicate.
  for (const content of ['a new text', 'phone edit']) {
    it(`keeps the file at its name and the edit shown, and the save is a file of its own (${content})`, async () => {
      const { log, files } = await concurrentEdits()
      const copy = files.list().find(f => f.versionId !== undefined)
      assert.ok(copy !== undefined)
      const saved = await files.add({ file: new Blob([content]), path: copy.path, mtime: T0, type: 'text/plain' })
      assert.notEqual(saved.file.fileId, copy.fileId)
      assert.equal(saved.replaced, false)
      const after = files.list()
      const file = after.find(f => f.path === 'notes/plan.txt')
      assert.ok(file !== undefined, 'the file keeps its name')
      assert.equal(await text(files.open(file.fileId)), 'phone edit')
      assert.equal(await text(files.open(saved.file.fileId)), content)
      assert.equal(after.find(f => f.fileId === saved.file.fileId)?.path, copy.path)
      const edit = after.find(f => f.versionId === copy.versionId)
      assert.ok(edit !== undefined && edit.path !== copy.path, 'the edit is still shown, under the next free name')
      assert.equal(await text(files.open(edit.fileId, edit.versionId)), 'laptop edit')
      await log.stop()
    })
  }
})
