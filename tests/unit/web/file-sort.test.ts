import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { FileInfo } from '../../../core/rpc/api.ts'
import { sortAndFilter } from '../../../web/models/file-sort.ts'

const file = (path: string, size: number, mtime: number, type = ''): FileInfo => ({ fileId: path, path, size, mtime, type, cid: 'c' })
const files = [file('b.txt', 30, 3, 'text/plain'), file('A.jpg', 10, 1, 'image/jpeg'), file('photos/file10.png', 20, 2, 'image/png'), file('photos/file9.png', 20, 4, 'image/png')]
const paths = (list: FileInfo[]): string[] => list.map(f => f.path)

test('names sort case-insensitively and numbers in names sort by value', () => {
  assert.deepEqual(paths(sortAndFilter(files, 'name', 'asc', '')), ['A.jpg', 'b.txt', 'photos/file9.png', 'photos/file10.png'])
  assert.deepEqual(paths(sortAndFilter(files, 'name', 'desc', '')), ['photos/file10.png', 'photos/file9.png', 'b.txt', 'A.jpg'])
})

test('size, date and type sort, ties broken by name', () => {
  assert.deepEqual(paths(sortAndFilter(files, 'size', 'asc', '')), ['A.jpg', 'photos/file9.png', 'photos/file10.png', 'b.txt'])
  assert.deepEqual(paths(sortAndFilter(files, 'mtime', 'desc', '')), ['photos/file9.png', 'b.txt', 'photos/file10.png', 'A.jpg'])
  assert.deepEqual(paths(sortAndFilter(files, 'type', 'asc', '')), ['A.jpg', 'photos/file9.png', 'photos/file10.png', 'b.txt'])
})

test('the filter keeps paths containing the text, ignoring case, and does not touch the input', () => {
  const before = paths(files)
  assert.deepEqual(paths(sortAndFilter(files, 'name', 'asc', ' PHOTOS ')), ['photos/file9.png', 'photos/file10.png'])
  assert.deepEqual(sortAndFilter(files, 'name', 'asc', 'nothing-matches'), [])
  assert.deepEqual(paths(files), before)
})
