import assert from 'node:assert/strict'
import { test } from 'node:test'
import { signal } from '@preact/signals'
import type { AddFileArgs, AddFileResult, FileInfo, FileVersion, TrashItem } from '../../../core/rpc/api.ts'
import { createUploadsModel } from '../../../web/models/uploads-model.ts'
import { createVersionsModel } from '../../../web/models/versions-model.ts'
import { createTrashModel } from '../../../web/models/trash-model.ts'
import { createRetentionModel } from '../../../web/models/retention-model.ts'
import { createTestClient } from './fake-rpc.ts'

const fileOf = (name: string): File => new File([new Uint8Array(3)], name, { lastModified: 1 })
const info = (path: string, fileId = path): FileInfo => ({ fileId, path, size: 3, mtime: 1, type: '', cid: 'c' })
const sentPaths = (calls: Array<{ method: string, args: unknown }>): Array<string | undefined> =>
  calls.filter(c => c.method === 'files.add').map(c => (c.args as AddFileArgs).path)

function uploadsWith (existing: string[], result: (args: AddFileArgs) => Partial<AddFileResult> = () => ({})) {
  const client = createTestClient({
    'files.add': async (args) => ({ file: info(args.path ?? args.file.name), deduplicated: false, ...result(args) })
  })
  const uploads = createUploadsModel(client, { existingPaths: () => new Set(existing) })
  return { client, uploads }
}

test('a file whose name is taken waits for "Replace or keep both?"; Replace sends it to its own name', async () => {
  const { client, uploads } = uploadsWith(['notes.txt'], () => ({ replaced: true }))
  uploads.add([{ file: fileOf('notes.txt') }])
  assert.deepEqual(uploads.conflict.value, { paths: ['notes.txt'], batchSize: 1 })
  assert.equal(uploads.items.value.length, 0, 'nothing is sent before the user chooses')
  uploads.resolveConflict('replace')
  await uploads.idle()
  assert.equal(uploads.conflict.value, undefined)
  assert.deepEqual(sentPaths(client.calls), [undefined])
  assert.equal(uploads.items.value[0]?.state.value, 'replaced')
})

test('a name typed decomposed (as a Mac gives "é") still meets the file of that name and waits for the choice', async () => {
  const { uploads } = uploadsWith(['caf\u00e9.txt'])
  uploads.add([{ file: fileOf('cafe\u0301.txt') }])
  assert.deepEqual(uploads.conflict.value, { paths: ['caf\u00e9.txt'], batchSize: 1 })
  assert.equal(uploads.items.value.length, 0, 'nothing is sent before the user chooses')
})

test('Keep both gives the new file a free name like "name (2).ext"; files that do not clash keep theirs', async () => {
  const { client, uploads } = uploadsWith(['a.txt', 'a (2).txt', 'dir/b.txt'])
  uploads.add([{ file: fileOf('a.txt') }, { file: fileOf('c.txt') }, { file: fileOf('b.txt'), path: 'dir/b.txt' }])
  assert.deepEqual(uploads.conflict.value?.paths, ['a.txt', 'dir/b.txt'])
  uploads.resolveConflict('keep-both')
  await uploads.idle()
  assert.deepEqual(sentPaths(client.calls), ['a (3).txt', undefined, 'dir/b (2).txt'])
})

test('Cancel adds none of that batch; a batch picked meanwhile is asked about next', async () => {
  const { client, uploads } = uploadsWith(['x.txt'])
  uploads.add([{ file: fileOf('x.txt') }])
  uploads.add([{ file: fileOf('y.txt') }])
  uploads.resolveConflict('cancel')
  await uploads.idle()
  assert.deepEqual(sentPaths(client.calls), [undefined])
  assert.equal(uploads.items.value[0]?.path, 'y.txt')
})

test('the upload states tell a new path with known content apart from that very file already there', async () => {
  const { uploads } = uploadsWith([], (args) => args.file.name === 'same.txt' ? { deduplicated: true, unchanged: true } : { deduplicated: true })
  uploads.add([{ file: fileOf('copy.txt') }, { file: fileOf('same.txt') }])
  await uploads.idle()
  assert.deepEqual(uploads.items.value.map(i => i.state.value), ['deduplicated', 'unchanged'])
})

test('Versions lists earlier versions and restores one; the list then shows the one it replaced', async () => {
  const older: FileVersion = { versionId: 'v1', fileId: 'f', size: 5, mtime: 1, type: '', savedAt: 10, replacedAt: 20, device: 'abcdef', thisDevice: true }
  const replaced: FileVersion = { ...older, versionId: 'v2', size: 9, savedAt: 20, replacedAt: 30 }
  let list = [older]
  const client = createTestClient({
    'files.versions': async () => list,
    'files.restoreVersion': async ({ versionId }) => {
      assert.equal(versionId, 'v1')
      list = [replaced]
      return { ...info('a.txt', 'f'), size: 5 }
    }
  })
  const versions = createVersionsModel(client)
  await versions.open(info('a.txt', 'f'))
  assert.deepEqual(versions.versions.value, [older])
  await versions.restore(older)
  assert.equal(versions.file.value?.size, 5)
  assert.equal(versions.restored.value, older)
  assert.deepEqual(versions.versions.value, [replaced])
  versions.close()
  assert.equal(versions.file.value, undefined)
})

test('the Trash restores to a free name when the old one is taken, and empties after a confirm', async () => {
  const item: TrashItem = { fileId: 't1', path: 'a.txt', size: 3, mtime: 1, type: '', deletedAt: 5, emptiesAt: 6 }
  let items = [item]
  const client = createTestClient({
    'trash.list': async () => items,
    'trash.restore': async ({ fileId, path }) => { items = []; return info(path ?? 'a.txt', fileId) },
    'trash.empty': async () => { items = [] }
  })
  const files = signal([info('a.txt', 'other')])
  const trash = createTrashModel({ client, files })
  await trash.refresh()
  assert.deepEqual(trash.items.value, [item])
  await trash.restore(item)
  assert.deepEqual(client.calls.at(-1)?.args, { fileId: 't1', path: 'a (2).txt' })
  assert.match(trash.notice.value ?? '', /Restored as “a \(2\)\.txt”/)
  items = [item]
  await trash.refresh()
  trash.startEmpty()
  assert.equal(trash.confirmingEmpty.value, true)
  await trash.confirmEmpty()
  assert.deepEqual(client.calls.at(-1), { method: 'trash.empty', args: { fileIds: ['t1'] } })
  assert.deepEqual(trash.items.value, [])
  assert.equal(trash.confirmingEmpty.value, false)
})

test('the Trash: search, tick all shown, restore them in one call; the words say what was renamed or stayed; delete the ticked for good after a confirm', async () => {
  const trashed = (fileId: string, path: string): TrashItem => ({ fileId, path, size: 3, mtime: 1, type: '', deletedAt: 5, emptiesAt: 6 })
  let items = [trashed('p1', 'Photos/a.jpg'), trashed('p2', 'photos/b.jpg'), trashed('p3', 'photos/c.jpg'), trashed('n1', 'notes.txt'), trashed('n2', 'old.txt')]
  const client = createTestClient({
    'trash.list': async () => items,
    'trash.restoreMany': async ({ fileIds }) => {
      items = items.filter(i => !fileIds.includes(i.fileId) || i.fileId === 'p3')
      return {
        restored: [{ file: info('Photos/a.jpg', 'p1'), was: 'Photos/a.jpg' }, { file: info('photos/b (2).jpg', 'p2'), was: 'photos/b.jpg' }],
        skipped: [{ fileId: 'p3', path: 'photos/c.jpg', reason: 'blocked' as const }]
      }
    },
    'trash.empty': async ({ fileIds }) => { items = items.filter(i => !(fileIds ?? []).includes(i.fileId)) }
  })
  const trash = createTrashModel({ client, files: signal([]) })
  await trash.refresh()
  trash.setFilter('PHOTOS')
  assert.deepEqual(trash.shown.value.map(i => i.fileId), ['p1', 'p2', 'p3'], 'search is by path, any case')
  trash.selectShown(true)
  assert.deepEqual([...trash.selected.value].sort(), ['p1', 'p2', 'p3'])
  trash.setFilter('')
  await trash.restoreSelected()
  assert.deepEqual(client.calls.at(-1), { method: 'trash.restoreMany', args: { fileIds: ['p1', 'p2', 'p3'] } })
  assert.equal(trash.notice.value, 'Restored 2 files. 1 got a new name: theirs was taken. “photos/c.jpg” stays in the Trash: a file now has the name of its folder. Rename that file, then restore again.')
  assert.deepEqual(trash.items.value.map(i => i.fileId), ['p3', 'n1', 'n2'])
  assert.deepEqual([...trash.selected.value], ['p3'], 'the one that stayed is still ticked')

  trash.toggle('p3')
  trash.toggle('n2')
  trash.startDeleteSelected()
  assert.equal(trash.emptyScope.value, 'selected')
  await trash.confirmEmpty()
  assert.deepEqual(client.calls.at(-1), { method: 'trash.empty', args: { fileIds: ['n2'] } })
  assert.deepEqual(trash.items.value.map(i => i.fileId), ['p3', 'n1'], 'only the ticked file went')
  assert.equal(trash.selected.value.size, 0)
  // "Empty trash" still means all of it.
  trash.startEmpty()
  assert.equal(trash.emptyScope.value, 'all')
  await trash.confirmEmpty()
  assert.deepEqual(client.calls.at(-1), { method: 'trash.empty', args: { fileIds: ['p3', 'n1'] } })
})

test('Settings → Earlier versions: days or a count, checked before it is sent', async () => {
  const client = createTestClient({
    'versions.retention': async () => ({ keep: 'days', days: 30 }),
    'versions.setRetention': async (r) => r
  })
  const retention = createRetentionModel(client)
  await retention.load()
  assert.equal(retention.amount.value, '30')
  retention.setKeep('count')
  retention.setAmount('0')
  await retention.save()
  assert.match(retention.error.value ?? '', /whole number of versions/)
  retention.setAmount('5')
  await retention.save()
  assert.deepEqual(client.calls.at(-1), { method: 'versions.setRetention', args: { keep: 'count', count: 5 } })
  assert.equal(retention.saved.value, true)
})
