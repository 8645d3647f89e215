import assert from 'node:assert/strict'
import { readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { randomBytes, startVault, type Cleanups } from '../vault/share-test-support.ts'
import { CountingSource, engineFor, put, sha256, tempFolder, vaultBytes } from './support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const NAMES = ['café', 'naïve résumé', '日本語', 'Ελληνικά', 'plain']

/** 300 files in nested folders, some with non-ASCII names, one empty; plus files the rules leave out. */
async function makeTree (root: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>()
  for (let i = 0; i < 300; i++) {
    const folder = `${NAMES[i % NAMES.length]}/sub ${i % 7}${i % 3 === 0 ? '/deeper' : ''}`
    const path = i === 0 ? 'empty.txt' : `${folder}/file ${i} ${NAMES[i % 4]}.bin`
    const bytes = i === 0 ? new Uint8Array(0) : randomBytes(100 + i * 37)
    files.set(path, bytes)
    await put(root, path, bytes)
  }
  for (const ignored of ['.DS_Store', 'café/Thumbs.db', 'desktop.ini', 'draft.tmp', '~$report.docx', '.git/HEAD', 'node_modules/x/index.js', 'build/out.o', 'debug.log']) {
    await put(root, ignored, randomBytes(50))
  }
  await put(root, '.cairnignore', 'build/\n*.log\n')
  files.set('.cairnignore', new TextEncoder().encode('build/\n*.log\n'))
  return files
}

describe('folder sync: backing up a folder', () => {
  it('puts every file that is not ignored into the vault, equal byte for byte', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const files = await makeTree(root)
    const source = new CountingSource(root)
    const { engine } = engineFor(vault, source)

    const report = await engine.scan()
    assert.equal(report.uploaded + report.deduplicated, files.size)
    assert.deepEqual(report.skipped, [])
    const inVault = new Map(vault.files().list().map(f => [f.path, f]))
    assert.equal(inVault.size, files.size, 'nothing ignored reached the vault')
    for (const [path, bytes] of files) {
      const file = inVault.get(`Documents/${path.normalize('NFC')}`)
      assert.ok(file !== undefined, `${path} is in the vault`)
      assert.equal(sha256(await vaultBytes(vault, file.fileId)), sha256(bytes), `${path}: equal SHA-256`)
    }
    for (const ignored of ['.DS_Store', 'Thumbs.db', 'desktop.ini', 'draft.tmp', '~$report.docx', 'HEAD', 'index.js', 'out.o', 'debug.log']) {
      assert.ok(![...inVault.keys()].some(p => p.endsWith(ignored)), `${ignored} was left out`)
    }
    assert.ok(!source.reads.some(p => p.startsWith('node_modules') || p.startsWith('.git') || p.startsWith('build')), 'ignored files are never read')
  })

  it('then: modify 3, delete 2, add 1, move 1 → uploads 4, tombstones 2, a rename without upload, and reads no other file', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const files = await makeTree(root)
    const source = new CountingSource(root)
    const { engine } = engineFor(vault, source)
    await engine.scan()
    const paths = [...files.keys()].filter(p => p !== '.cairnignore' && p !== 'empty.txt')
    const [m1, m2, m3, d1, d2, moved] = paths as [string, string, string, string, string, string]
    const movedId = vault.files().list().find(f => f.path === `Documents/${moved}`)?.fileId
    const deletedIds = vault.files().list().filter(f => f.path === `Documents/${d1}` || f.path === `Documents/${d2}`).map(f => f.fileId)
    const changed = new Map<string, Uint8Array>()
    for (const path of [m1, m2, m3]) {
      changed.set(path, randomBytes(4321))
      await put(root, path, changed.get(path) ?? new Uint8Array())
    }
    await rm(join(root, d1))
    await rm(join(root, d2))
    changed.set('new folder/added.txt', randomBytes(999))
    await put(root, 'new folder/added.txt', changed.get('new folder/added.txt') ?? new Uint8Array())
    await rename(join(root, moved), join(root, 'moved here.bin'))
    source.reads = []

    const report = await engine.scan()
    assert.equal(report.uploaded, 4, 'three changed files and one new file uploaded')
    assert.equal(report.deleted, 2, 'two deletions recorded')
    assert.equal(report.moved, 1, 'one move recorded')
    assert.equal(report.deduplicated, 0)
    assert.deepEqual(new Set(source.reads), new Set([m1, m2, m3, 'new folder/added.txt', 'moved here.bin']), 'only changed, new and moved files were read')
    const list = vault.files().list()
    const byPath = new Map(list.map(f => [f.path, f]))
    assert.equal(byPath.get('Documents/moved here.bin')?.fileId, movedId, 'the move kept the file (a rename)')
    assert.equal(byPath.get(`Documents/${moved}`), undefined)
    for (const id of deletedIds) assert.ok(!list.some(f => f.fileId === id), 'a deleted file left the vault')
    const trash = vault.history().trash().map(t => t.fileId)
    for (const id of deletedIds) assert.ok(trash.includes(id), 'a deleted file is in the vault\'s Trash (a tombstone)')
    for (const [path, bytes] of changed) {
      const file = byPath.get(`Documents/${path}`)
      assert.ok(file !== undefined)
      assert.equal(sha256(await vaultBytes(vault, file.fileId)), sha256(bytes), `${path}: the new content`)
    }

    source.reads = []
    const again = await engine.scan()
    assert.deepEqual([again.uploaded, again.deduplicated, again.moved, again.deleted, source.reads.length], [0, 0, 0, 0, 0], 'a rescan with no change reads and sends nothing')
  })

  it('stores a copy of known content once and uploads a file only after it stops changing', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const bytes = randomBytes(20_000)
    await put(root, 'a.bin', bytes)
    await put(root, 'b/copy of a.bin', bytes)
    let now = Date.now()
    const { engine } = engineFor(vault, new CountingSource(root), { settleMs: 2000 }, () => now)
    const first = await engine.scan()
    assert.deepEqual([first.uploaded, first.deduplicated], [1, 1])

    await put(root, 'growing.log.txt', 'part one', now)
    const writing = await engine.scan()
    assert.deepEqual([writing.uploaded, writing.unsettled], [0, 1], 'a file written a moment ago waits')
    await put(root, 'growing.log.txt', 'part one, part two', now)
    now += 2500
    const settled = await engine.scan()
    assert.equal(settled.uploaded, 1)
    const file = vault.files().list().find(f => f.path === 'Documents/growing.log.txt')
    assert.ok(file !== undefined)
    assert.equal(new TextDecoder().decode(await vaultBytes(vault, file.fileId)), 'part one, part two', 'uploaded once, complete')
  })

  it('a file moved with a fresh mtime waits to settle, then is recorded as a move, not a deletion', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    const bytes = randomBytes(5000)
    let now = Date.now()
    await put(root, 'before.bin', bytes, now - 60_000)
    const { engine } = engineFor(vault, new CountingSource(root), { settleMs: 2000 }, () => now)
    await engine.scan()
    const id = vault.files().list()[0]?.fileId
    await rm(join(root, 'before.bin'))
    await put(root, 'after.bin', bytes, now)
    const settling = await engine.scan()
    assert.deepEqual([settling.deleted, settling.unsettled], [0, 1], 'the gone file waits with the new one')
    now += 2500
    const settled = await engine.scan()
    assert.deepEqual([settled.moved, settled.deleted, settled.uploaded], [1, 0, 0])
    assert.equal(vault.files().list().find(f => f.path === 'Documents/after.bin')?.fileId, id)
  })

  it('reads a changed .cairnignore again and applies it', async () => {
    const { vault } = await startVault(cleanups)
    const root = await tempFolder(cleanups)
    await put(root, 'keep.txt', 'k')
    await put(root, 'secret.key', 's')
    const { engine } = engineFor(vault, new CountingSource(root))
    await engine.scan()
    assert.ok(vault.files().list().some(f => f.path === 'Documents/secret.key'))
    await put(root, 'later.key', 'l')
    await put(root, '.cairnignore', '*.key\n')
    await engine.scan()
    assert.ok(!vault.files().list().some(f => f.path === 'Documents/later.key'), 'the new rule applies')
    assert.ok(vault.files().list().some(f => f.path === 'Documents/secret.key'), 'a file ignored later is not deleted from the vault')
    assert.equal((await readFile(join(root, 'later.key'), 'utf8')), 'l', 'an ignored file stays on disk')
  })
})
