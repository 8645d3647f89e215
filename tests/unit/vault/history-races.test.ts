import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import type { CID } from 'multiformats/cid'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { DAY_MS } from '../../../core/vault/retention.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import { hashTag, PASSPHRASE, randomBytes, readAll, type Cleanups } from './share-test-support.ts'

// Versions and the Trash against work in flight: what another action is
// about to use must never be freed under it.

const MIB = 1024 * 1024
const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

/** A memory blockstore whose next delete, once armed, waits until the test lets it go. */
class GatedBlockstore extends MemoryBlockstore {
  private onPut: (() => void) | undefined
  private gate: { reached: () => void, released: Promise<void> } | undefined

  /** Holds the next delete; resolves `reached` when it starts, runs it when `release` is called. */
  arm (): { reached: Promise<void>, release: () => void } {
    let reached!: () => void
    let release!: () => void
    const reachedPromise = new Promise<void>((resolve) => { reached = resolve })
    this.gate = { reached, released: new Promise<void>((resolve) => { release = resolve }) }
    return { reached: reachedPromise, release }
  }

  /** Resolves when the next block is put. */
  async nextPut (): Promise<void> {
    await new Promise<void>((resolve) => { this.onPut = resolve })
  }

  override async put (cid: CID, bytes: Uint8Array): Promise<CID> {
    const stored = await super.put(cid, bytes)
    this.onPut?.()
    return stored
  }

  override async delete (cid: CID): Promise<void> {
    const gate = this.gate
    this.gate = undefined
    if (gate !== undefined) {
      gate.reached()
      await gate.released
    }
    await super.delete(cid)
  }
}

const T0 = Date.UTC(2026, 0, 10, 12)

/** A vault on memory stores with a clock the test moves. */
async function openVault () {
  const blockstore = new GatedBlockstore()
  const clock = { now: T0 }
  const logs = new LogBuffer()
  const vault = new VaultService(
    { blockstore, datastore: new MemoryDatastore(), hashTag, log: logs.for('vault'), deviceId: '12D3KooWTestDevice', now: () => clock.now },
    { onStatus: () => {}, onFilesChanged: () => {} }
  )
  await vault.start()
  cleanups.push(async () => { await vault.stop() })
  await vault.create(PASSPHRASE)
  const add = async (path: string, content: string) => await vault.files().add({ file: new Blob([content]), path, mtime: clock.now, type: 'text/plain' })
  const logged = (text: string): boolean => logs.recent().some(line => line.message.includes(text))
  return { vault, blockstore, clock, add, logged }
}

describe('versions and Trash against uploads in flight', () => {
  it('emptying the Trash while an upload of the same content is being recorded keeps the content the new file points to', async () => {
    const { vault, blockstore } = await openVault()
    const content = randomBytes(12 * MIB)
    const first = await vault.files().add({ file: new Blob([content]), path: 'report.txt', mtime: 1, type: 'text/plain' })

    // A second copy arrives as a stream. Its first chunk is stored; at its
    // end the tag shows the content is already stored (report.txt, live), so
    // it takes back what it wrote and records the new name for that content.
    // Hold it while it takes back its blocks.
    let source!: ReadableStreamDefaultController<Uint8Array>
    const stream = new ReadableStream<Uint8Array>({ start: (controller) => { source = controller } })
    const upload = vault.files().addStream({ stream, size: content.byteLength, path: 'copy.txt', mtime: 2, type: 'text/plain' })
    // The importer writes leaves in batches of 8 chunks: send ten, and wait for the first writes.
    const written = blockstore.nextPut()
    const sent = 10 * MIB + 1
    source.enqueue(content.slice(0, sent))
    await written
    const gate = blockstore.arm()
    source.enqueue(content.slice(sent))
    source.close()
    await gate.reached

    // Meanwhile the user deletes report.txt and empties the Trash.
    await vault.files().remove(first.file.fileId)
    assert.equal(await vault.history().emptyTrash(), 1)
    gate.release()

    const copy = await upload
    assert.equal(copy.deduplicated, true)
    assert.deepEqual(vault.files().list().map(f => f.path), ['copy.txt'])
    assert.deepEqual(await readAll(vault.files().open(copy.file.fileId).stream), content, 'copy.txt still reads')
  })
})

describe('versions and Trash: tidying decides under the same lock it writes under', () => {
  it('a version restored while a tidy prunes it stays kept once it is replaced again', async () => {
    const { vault, clock, add, logged } = await openVault()
    const one = await add('notes.txt', 'one')
    clock.now = T0 + DAY_MS
    await add('notes.txt', 'two, longer')
    const [old] = vault.history().versions(one.file.fileId)
    assert.equal(old?.size, 3)

    // 40 days on, "one" is past the 30-day keep; the user restores it just as a tidy runs.
    clock.now = T0 + 40 * DAY_MS
    const restoring = vault.history().restoreVersion(one.file.fileId, old?.versionId as string)
    const tidying = vault.history().tidy()
    await Promise.all([restoring, tidying])
    assert.equal((await restoring).size, 3, '"one" is the file again')
    assert.equal(logged('past the keep setting'), false, 'the Logs page does not say a version was removed')

    // Replaced again: "one" was current a moment ago, so it is a fresh version, kept 30 days.
    await add('notes.txt', 'three, longest')
    await vault.history().tidy()
    assert.deepEqual(vault.history().versions(one.file.fileId).map(v => v.size), [3, 11])
  })

  it('a Trash item restored and deleted again while a tidy empties old items stays in the Trash', async () => {
    const { vault, clock, add, logged } = await openVault()
    const file = await add('old.txt', 'old')
    await vault.files().remove(file.file.fileId)

    // 31 days on it is due; the user restores it and deletes it again just as a tidy runs.
    clock.now = T0 + 31 * DAY_MS
    const restoring = vault.history().restoreFromTrash(file.file.fileId)
    const deleting = vault.files().remove(file.file.fileId)
    const tidying = vault.history().tidy()
    await Promise.all([restoring, deleting, tidying])

    // Deleted today: it stays for another 30 days.
    assert.deepEqual(vault.history().trash().map(t => [t.path, t.deletedAt]), [['old.txt', T0 + 31 * DAY_MS]])
    assert.equal(logged('from the Trash after'), false, 'the Logs page does not say it was emptied')
  })
})
