import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { afterEach, describe, it } from 'node:test'
import { isErrorCode } from '../../../core/errors.ts'
import { NodeFolderSource } from '../../../desktop/folders/node-folder-source.ts'
import { messageForCode } from '../../../web/error-messages.ts'
import { startVault, type Cleanups } from '../vault/share-test-support.ts'
import { CountingSource, engineFor, put, tempFolder } from './support.ts'

// A file or folder the disk refuses is listed on the folder's card with the
// reason (README, Folder sync): the card shows words only for the app's own
// codes, so a refusal must come as one of them, not as the system's errno name.

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const NOW = Date.UTC(2026, 5, 1)
const SETTLED = NOW - 3_600_000
const refused = (code: string): Error => Object.assign(new Error(`${code}: refused by the disk`), { code })

/** The node adapter, failing to read each path in `refusals` with that errno. */
class RefusingSource extends CountingSource {
  readonly refusals = new Map<string, string>()
  override async read (path: string): Promise<ReadableStream<Uint8Array>> {
    const code = this.refusals.get(path)
    if (code !== undefined) throw refused(code)
    return await super.read(path)
  }
}

/** The words the card shows beside a skipped file (folder-card.tsx), or '' when it has none. */
function cardWords (code: string): string {
  return isErrorCode(code) ? messageForCode(code) : ''
}

describe('folder sync: why a file was not synced', () => {
  it('permission denied, held by another program, a read-only disk, a full disk: each with its reason', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const source = new RefusingSource(root)
    const cases = { 'private.txt': 'EACCES', 'locked.txt': 'EBUSY', 'readonly.txt': 'EROFS', 'full.txt': 'ENOSPC' }
    for (const [path, code] of Object.entries(cases)) {
      await put(root, path, `${path} content`, SETTLED)
      source.refusals.set(path, code)
    }
    const { engine } = engineFor(vault, source, {}, () => NOW)
    const report = await engine.scan()
    const words = Object.fromEntries(report.skipped.map(s => [s.path, cardWords(s.code)]))
    assert.match(words['private.txt'] ?? '', /permission/i)
    assert.match(words['locked.txt'] ?? '', /another program/i)
    assert.match(words['readonly.txt'] ?? '', /read-only/i)
    assert.match(words['full.txt'] ?? '', /disk is full/i)
  })

  it('a folder nested deeper than the system\'s longest path: named, with its reason', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const segment = 'd'.repeat(200)
    execFileSync('mkdir', ['-p', Array(24).fill(segment).join('/')], { cwd: root })
    cleanups.push(() => { execFileSync('rm', ['-rf', segment], { cwd: root }) })
    const { engine } = engineFor(vault, new NodeFolderSource(root), {}, () => NOW)
    const report = await engine.scan()
    assert.equal(report.skipped.length, 1)
    assert.match(cardWords(report.skipped[0]?.code ?? ''), /too long/i)
  })
})
