import assert from 'node:assert/strict'
import { test } from 'node:test'
import { folderRows } from '../../../web/models/browse-rows.ts'
import { allFolders } from '../../../web/models/folder-tree.ts'
import { bulkShareSelection } from '../../../web/models/bulk-share.ts'
import { subjectPath } from '../../../web/models/shares-model.ts'
import { createCalls, FILES, setup } from './shares-model-support.ts'

const rowsIn = (folder: string) => folderRows(FILES, allFolders(FILES.map(f => f.path), []), folder)

test('a selection is its files and every file under its folders, once, relative to the folder shown', () => {
  const top = rowsIn('')
  const photos = top.find(r => r.path === 'photos')
  const notes = top.find(r => r.path === 'notes.txt')
  assert.ok(photos !== undefined && notes !== undefined)
  assert.deepEqual(bulkShareSelection([photos, notes], FILES, '', false), { fileIds: ['f1', 'f2', 'f3', 'f4'], base: '', name: '4 files' })

  const inPhotos = rowsIn('photos')
  const trip = inPhotos.find(r => r.path === 'photos/trip')
  const cat = inPhotos.find(r => r.path === 'photos/cat.jpg')
  assert.ok(trip !== undefined && cat !== undefined)
  const picked = bulkShareSelection([trip, cat], FILES, 'photos', false)
  assert.deepEqual(picked && { ...picked, fileIds: [...picked.fileIds].sort() }, { fileIds: ['f1', 'f2', 'f3'], base: 'photos', name: 'photos' }, 'notes.txt, not selected, is not in it')
  // Search results span folders: paths stay whole.
  assert.deepEqual(bulkShareSelection([cat], FILES, 'photos', true), { fileIds: ['f1'], base: '', name: '1 file' })
})

test('a folder with no files under it gives nothing to share', () => {
  const empty = { kind: 'folder' as const, key: 'folder:empty', path: 'empty', name: 'empty', size: 0, mtime: 0, count: 0 }
  assert.equal(bulkShareSelection([empty], FILES, '', false), undefined)
})

test('shareFiles makes one link of exactly those files and opens the folder dialog on it; a failure gives its words', async () => {
  const { client, shares } = setup()
  assert.equal(await shares.shareFiles({ fileIds: ['f2', 'f3'], base: 'photos', name: 'photos' }), undefined)
  const calls = createCalls(client)
  assert.equal(calls.length, 1)
  assert.deepEqual(calls[0]?.args, { fileIds: ['f2', 'f3'], base: 'photos', name: 'photos', relayOnly: false })
  const subject = shares.sharing.value
  assert.ok(subject !== undefined)
  assert.equal(subjectPath(subject), 'photos')
  assert.equal(shares.created.value?.fileCount, 2)
  shares.closeShare()
  const error = await shares.shareFiles({ fileIds: [], base: '', name: '0 files' })
  assert.equal(typeof error, 'string')
  assert.equal(shares.sharing.value, undefined)
})
