import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { isCairnError } from '../../../core/errors.ts'
import { normalizePath, parentFolders, splitExtension, validatePath } from '../../../core/index/paths.ts'
import { conflictName, sanitizeLabel } from '../../../core/index/conflict-name.ts'

describe('vault paths', () => {
  it('accepts ordinary relative paths', () => {
    for (const good of ['a', 'a.txt', 'photos/2024/cat.jpg', '.bashrc', 'a b/c d', 'Zürich ☃.txt', 'x'.repeat(255), ('d/').repeat(100) + 'f']) {
      assert.doesNotThrow(() => validatePath(good), good)
    }
  })

  it('refuses paths that escape, are empty, or are unrepresentable', () => {
    const bad = ['', '/a', 'a/', 'a//b', 'a\u0000b', 'a\nb', 'a\u007fb', 'x'.repeat(256), 'é'.repeat(128), ('abcdefg/').repeat(520) + 'f']
    for (const path of bad) assert.throws(() => validatePath(path), err => isCairnError(err, 'PATH_INVALID'), JSON.stringify(path.slice(0, 20)))
    assert.throws(() => validatePath(42), err => isCairnError(err, 'PATH_INVALID'))
    // "." and ".." have their own code, so the words can say why.
    for (const path of ['..', '../a', 'a/../b', 'a/..', '.', './a', 'a/./b']) assert.throws(() => validatePath(path), err => isCairnError(err, 'PATH_DOT_NAME'), path)
  })

  it('normalizes to NFC', () => {
    assert.equal(normalizePath('Zu\u0308rich.txt'), 'Z\u00fcrich.txt')
  })

  it('splits folders and extensions', () => {
    assert.deepEqual(parentFolders('a/b/c.txt'), ['a', 'a/b'])
    assert.deepEqual(parentFolders('c.txt'), [])
    assert.deepEqual(splitExtension('a/b.tar.gz'), ['a/b.tar', '.gz'])
    assert.deepEqual(splitExtension('.bashrc'), ['.bashrc', ''])
    assert.deepEqual(splitExtension('a.b/c'), ['a.b/c', ''])
    assert.deepEqual(splitExtension('dir/.env'), ['dir/.env', ''])
  })
})

describe('conflict names', () => {
  const wall = Date.UTC(2024, 4, 17, 23, 59)
  it('follow name (conflict, DEVICE, DATE).ext', () => {
    assert.equal(conflictName('docs/report.pdf', 'laptop', wall), 'docs/report (conflict, laptop, 2024-05-17).pdf')
    assert.equal(conflictName('Makefile', 'ab', wall), 'Makefile (conflict, ab, 2024-05-17)')
    assert.equal(conflictName('a.txt', 'ab', wall, 3), 'a (conflict, ab, 2024-05-17, 3).txt')
  })

  it('keep labels harmless and names within limits', () => {
    assert.equal(sanitizeLabel('a/b\u0000c'), 'a_b_c')
    assert.equal(sanitizeLabel(''), '_')
    const long = conflictName('dir/' + 'é'.repeat(127) + '.txt', 'x'.repeat(60), wall)
    assert.doesNotThrow(() => validatePath(long))
    assert.ok(long.startsWith('dir/é'))
    assert.ok(long.endsWith(`(conflict, ${'x'.repeat(32)}, 2024-05-17).txt`))
  })
})
