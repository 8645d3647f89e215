import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { FileInfo } from '../../../core/rpc/api.ts'
import { planMove, planRename } from '../../../core/vault/folder-records.ts'
import { isCairnError } from '../../../core/errors.ts'
import { fileKind } from '../../../web/models/file-kind.ts'
import { allFolders, breadcrumbs, childFolders, freeFolderName, treeLines } from '../../../web/models/folder-tree.ts'
import { folderRows, searchRows, sortRows } from '../../../web/models/browse-rows.ts'
import { NO_SELECTION, keepShown, selectRange, toggle, toggleAll } from '../../../web/models/row-selection.ts'
import { moveTargets, subjectOf } from '../../../web/models/folder-actions-model.ts'

const file = (path: string, size = 1, mtime = 0, type = ''): FileInfo => ({ fileId: path.replace(/\W/g, '_'), path, size, mtime, type, cid: 'c' })

describe('file kind', () => {
  it('reads the MIME type first, then the extension; a generic type defers to the extension', () => {
    assert.equal(fileKind('cat.jpg', 'image/jpeg'), 'Image')
    assert.equal(fileKind('doc', 'application/pdf'), 'PDF')
    assert.equal(fileKind('clip.mov', ''), 'Video')
    assert.equal(fileKind('song.flac', 'application/octet-stream'), 'Audio')
    assert.equal(fileKind('notes.md', ''), 'Text')
    assert.equal(fileKind('data.json', 'application/json'), 'Text')
    assert.equal(fileKind('backup.tar.gz', ''), 'Archive')
    assert.equal(fileKind('a.zip', 'application/zip'), 'Archive')
    assert.equal(fileKind('letter.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'), 'Document')
    assert.equal(fileKind('sums.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'), 'Spreadsheet')
    assert.equal(fileKind('table.CSV', ''), 'Spreadsheet')
    assert.equal(fileKind('x', 'inode/directory'), 'Folder')
    assert.equal(fileKind('Makefile', ''), 'File')
    assert.equal(fileKind('.bashrc', ''), 'File')
    assert.equal(fileKind('photos.v2/README', ''), 'File')
  })
})

describe('folder tree', () => {
  const folders = allFolders(['a/b/c.txt', 'a/d.txt', 'z.txt', 'Photos 10/x', 'Photos 9/y'], ['empty', 'a/new/deeper'])
  it('holds every folder above a file and every folder made, parents first, numbers by value', () => {
    assert.deepEqual(folders, ['a', 'a/b', 'a/new', 'a/new/deeper', 'empty', 'Photos 9', 'Photos 10'])
    assert.deepEqual(childFolders(folders, ''), ['a', 'empty', 'Photos 9', 'Photos 10'])
    assert.deepEqual(childFolders(folders, 'a'), ['a/b', 'a/new'])
  })

  it('shows a folder once every folder above it is open', () => {
    assert.deepEqual(treeLines(folders, new Set()).map(l => l.path), ['a', 'empty', 'Photos 9', 'Photos 10'])
    assert.deepEqual(treeLines(folders, new Set(['a'])).map(l => [l.path, l.depth, l.hasChildren]), [
      ['a', 0, true], ['a/b', 1, false], ['a/new', 1, true], ['empty', 0, false], ['Photos 9', 0, false], ['Photos 10', 0, false]
    ])
  })

  it('makes breadcrumbs and free names for a new folder', () => {
    assert.deepEqual(breadcrumbs('a/b'), [{ path: '', name: 'All files' }, { path: 'a', name: 'a' }, { path: 'a/b', name: 'b' }])
    assert.equal(freeFolderName(new Set(['a/New folder', 'a/New folder 2']), 'a'), 'New folder 3')
    assert.equal(freeFolderName(new Set(['a/New folder']), ''), 'New folder')
  })
})

describe('browse rows', () => {
  const files = [file('a/x.txt', 5, 10), file('a/b/y.txt', 7, 30), file('top.pdf', 100, 20, 'application/pdf'), file('zz.txt', 1, 5)]
  const folders = allFolders(files.map(f => f.path), ['empty'])

  it('lists a folder as its subfolders (with their totals) then its files', () => {
    const rows = folderRows(files, folders, '')
    assert.deepEqual(rows.map(r => r.name), ['a', 'empty', 'top.pdf', 'zz.txt'])
    const a = rows[0]
    assert.ok(a?.kind === 'folder')
    assert.deepEqual([a.size, a.mtime, a.count], [12, 30, 2])
    assert.deepEqual(folderRows(files, folders, 'a').map(r => r.name), ['b', 'x.txt'])
  })

  it('sorts folders first, whatever the column and direction', () => {
    const rows = folderRows(files, folders, '')
    assert.deepEqual(sortRows(rows, 'size', 'desc').map(r => r.name), ['a', 'empty', 'top.pdf', 'zz.txt'])
    assert.deepEqual(sortRows(rows, 'size', 'asc').map(r => r.name), ['empty', 'a', 'zz.txt', 'top.pdf'])
    assert.deepEqual(sortRows(rows, 'type', 'asc').map(r => r.name), ['a', 'empty', 'top.pdf', 'zz.txt'])
    assert.deepEqual(sortRows(rows, 'name', 'desc').map(r => r.name), ['empty', 'a', 'zz.txt', 'top.pdf'])
  })

  it('searches names in every folder, not the folders above them', () => {
    assert.deepEqual(searchRows(files, folders, 'Y.T').map(r => r.path), ['a/b/y.txt'])
    assert.deepEqual(searchRows(files, folders, 'a').map(r => r.path), ['a'])
    assert.deepEqual(searchRows(files, folders, '  '), [])
  })
})

describe('selection', () => {
  const order = ['r1', 'r2', 'r3', 'r4', 'r5']
  it('a click toggles a row and anchors there; shift-click adds the range from the anchor', () => {
    let s = toggle(NO_SELECTION, 'r2')
    s = selectRange(s, order, 'r4')
    assert.deepEqual([...s.keys].sort(), ['r2', 'r3', 'r4'])
    s = selectRange(s, order, 'r1')
    assert.deepEqual([...s.keys].sort(), ['r1', 'r2', 'r3', 'r4'])
    assert.deepEqual([...selectRange(NO_SELECTION, order, 'r3').keys], ['r3'])
  })

  it('select all takes every row, again clears; rows no longer shown leave the selection', () => {
    const all = toggleAll(NO_SELECTION, order)
    assert.equal(all.keys.size, 5)
    assert.equal(toggleAll(all, order).keys.size, 0)
    const kept = keepShown(toggle(toggle(NO_SELECTION, 'r1'), 'r5'), ['r1', 'r2'])
    assert.deepEqual([...kept.keys], ['r1'])
    assert.equal(kept.anchor, undefined)
  })
})

describe('moves', () => {
  const files = [{ fileId: 'x', path: 'a/x.txt' }, { fileId: 'y', path: 'a/b/y.txt' }, { fileId: 't', path: 'top.txt' }, { fileId: 'ab', path: 'ab/z.txt' }]

  it('moves files and folders into a folder, keeping names and insides', () => {
    assert.deepEqual(planMove(files, { fileIds: ['t'], folders: ['a/b'] }, 'ab'), [{ fileId: 'y', path: 'ab/b/y.txt' }, { fileId: 't', path: 'ab/top.txt' }])
    assert.deepEqual(planMove(files, { fileIds: ['x'], folders: [] }, ''), [{ fileId: 'x', path: 'x.txt' }])
    assert.deepEqual(planMove(files, { fileIds: ['t'], folders: [] }, ''), [], 'already there: nothing to do')
  })

  it('renames a folder, not a folder that merely starts with its name', () => {
    assert.deepEqual(planRename(files, 'a', 'c'), [{ fileId: 'x', path: 'c/x.txt' }, { fileId: 'y', path: 'c/b/y.txt' }])
  })

  it('refuses a folder into itself and two files onto one name', () => {
    assert.throws(() => planMove(files, { fileIds: [], folders: ['a'] }, 'a/b'), (err) => isCairnError(err, 'INVALID_ARGUMENT'))
    assert.throws(() => planRename(files, 'a', 'a/inner'), (err) => isCairnError(err, 'INVALID_ARGUMENT'))
    const twins = [{ fileId: '1', path: 'p/n.txt' }, { fileId: '2', path: 'q/n.txt' }]
    assert.throws(() => planMove(twins, { fileIds: ['1', '2'], folders: [] }, ''), (err) => isCairnError(err, 'PATH_EXISTS'))
  })

  it('offers as targets every folder but the moved ones, those inside them and where they are', () => {
    const all = ['a', 'a/b', 'ab', 'c']
    const rows = folderRows([file('a/b/y.txt'), file('a/x.txt')], all, 'a')
    const b = rows.filter(r => r.name === 'b')
    assert.deepEqual(moveTargets(all, subjectOf(b), b), ['', 'ab', 'c'])
    assert.equal(subjectOf(rows).label, '2 items')
    assert.equal(subjectOf(b).label, '“b”')
  })
})
