import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FolderSyncEngine } from '../../../core/folder-sync/folder-sync-engine.ts'
import type { FolderEntry, FolderListOptions, FolderSource } from '../../../core/folder-sync/folder-source.ts'
import { memoryScanState } from '../../../core/folder-sync/scan-state.ts'
import type { SyncedVaultFile, SyncVault } from '../../../core/folder-sync/vault-port.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'

// A folder of many files renamed on disk is recorded as that many renames in
// the vault, in a time that grows with the number of files, not its square:
// 50,000 files took many minutes before, 100,000 hours (every new path copied the list of all
// gone ones to look for its match).

const FILES = 50_000
const SETTLED = Date.UTC(2026, 0, 1)

/** A folder in memory: the engine's seam, without a disk (listing and reading only, all a backup needs). */
class MemoryFolder implements FolderSource {
  readonly label = 'memory'
  readonly nameRules = { windows: false, caseInsensitive: false }
  readonly setsMtime = true
  readonly files = new Map<string, string>()
  async * list (options: FolderListOptions = {}): AsyncIterable<FolderEntry> {
    for (const [path, text] of this.files) if (options.skipFolder?.(path.slice(0, path.lastIndexOf('/'))) !== true) yield { path, size: text.length, mtime: SETTLED }
  }

  async isEmpty (): Promise<boolean> { return this.files.size === 0 }
  async stat (path: string): Promise<FolderEntry | undefined> {
    const text = this.files.get(path)
    return text === undefined ? undefined : { path, size: text.length, mtime: SETTLED }
  }

  async read (path: string): Promise<ReadableStream<Uint8Array>> {
    // A turn of the event loop, as a disk read takes (and the test's timeout can fire).
    await new Promise(resolve => setImmediate(resolve))
    return new Blob([this.files.get(path) ?? '']).stream()
  }

  async write (): Promise<FolderEntry> { throw new Error('a backup never writes') }
  async rename (): Promise<void> { throw new Error('a backup never moves') }
  async trash (): Promise<string> { throw new Error('a backup never trashes') }
  async mkdir (): Promise<void> {}
  async remove (): Promise<void> {}
  async watch (): Promise<{ stop: () => Promise<void> }> { return { stop: async () => {} } }
}

/** A vault of names and tags (the tag is the content itself). */
function memoryVault (): SyncVault & { files: Map<string, SyncedVaultFile> } {
  const files = new Map<string, SyncedVaultFile>()
  const tagOf = async (stream: ReadableStream<Uint8Array>): Promise<string> => await new Response(stream).text()
  return {
    files,
    list: () => [...files.values()],
    add: async (path, stream, size, mtime) => {
      const fileId = `f${files.size}`
      const tag = await tagOf(stream)
      files.set(fileId, { fileId, path, size, mtime, tag })
      return { fileId, tag, deduplicated: false }
    },
    rename: async (fileId, path) => { const file = files.get(fileId); if (file !== undefined) file.path = path },
    remove: async (fileId) => { files.delete(fileId) },
    open: () => new Blob([]).stream(),
    tagOf
  }
}

describe('folder sync: a big folder renamed', () => {
  it(`${FILES.toLocaleString('en')} files moved with their folder are that many renames, none sent again`, { timeout: 120_000 }, async () => {
    const source = new MemoryFolder()
    // Same sizes, as a camera's numbered photos of one resolution often are.
    for (let i = 0; i < FILES; i++) source.files.set(`Photos/IMG_${String(i).padStart(6, '0')}.jpg`, `pixels ${String(i).padStart(6, '0')}`)
    const vault = memoryVault()
    const engine = new FolderSyncEngine({ mode: 'backup', vaultFolder: 'Documents', settleMs: 0, deviceLabel: 'laptop' }, {
      source, vault, state: memoryScanState(), log: new LogBuffer().for('folder-sync'), now: () => SETTLED + 3_600_000
    })
    assert.equal((await engine.scan()).uploaded, FILES)
    const renamed = new Map<string, string>()
    for (const [path, text] of source.files) renamed.set(path.replace('Photos/', 'Photos 2026/'), text)
    source.files.clear()
    for (const [path, text] of renamed) source.files.set(path, text)

    const report = await engine.scan()
    assert.deepEqual([report.moved, report.uploaded, report.deleted], [FILES, 0, 0])
    assert.equal(vault.files.size, FILES)
    assert.ok([...vault.files.values()].every(f => f.path.startsWith('Documents/Photos 2026/IMG_') && f.tag === `pixels ${f.path.slice(-10, -4)}`))
  })
})
