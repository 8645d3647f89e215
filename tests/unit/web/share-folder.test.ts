import assert from 'node:assert/strict'
import { test } from 'node:test'
import { messageForCode } from '../../../web/error-messages.ts'
import { memoryHashLocation } from '../../../web/lib/hash-location.ts'
import { createAppModels, startAppModels } from '../../../web/models/app-models.ts'
import { subjectPath } from '../../../web/models/shares-model.ts'
import { expiryOf, foldersOf } from '../../../web/models/share-fields.ts'
import { folderSummary } from '../../../web/pages/shares/share-format.ts'
import { createTestClient, deferred, fail, settle } from './fake-rpc.ts'
import { createCalls, FILES, file, NOW, setup, share } from './shares-model-support.ts'

test('folders are the proper prefixes of the file paths, sorted; an expiry is never, the end of a future day, or refused', () => {
  assert.deepEqual(foldersOf(['a/b/c.txt']), ['a', 'a/b'])
  assert.deepEqual(foldersOf(['top.txt', 'z/1.txt', 'a/b/c.txt', 'a/d.txt', 'a/b/e.txt', 'M/x']), ['a', 'a/b', 'M', 'z'])
  assert.deepEqual(foldersOf(['top.txt', '']), [], 'files at the top are in no folder')
  assert.deepEqual(foldersOf(['/lead/x', 'a//b']), ['/lead', 'a'], 'no empty folder name, none ending in /')
  assert.equal(expiryOf('', NOW), undefined)
  assert.equal(expiryOf('2026-03-10', NOW), new Date(2026, 2, 10, 23, 59, 59, 999).getTime())
  assert.equal(expiryOf('2026-03-09', NOW), null)
  assert.equal(expiryOf('tomorrow', NOW), null)
  assert.equal(folderSummary(2), 'Folder · 2 files')
  assert.equal(folderSummary(1), 'Folder · 1 file')
})

test('open() lists the vault\'s folders, again on files.changed; the first is chosen until another is picked', async () => {
  const { client, shares, setFiles } = setup()
  assert.equal(shares.foldersLoaded.value, false)
  assert.equal(shares.folderChoice.value, undefined)
  const stop = shares.open()
  await settle()
  assert.equal(shares.foldersLoaded.value, true)
  assert.deepEqual(shares.folders.value, ['photos', 'photos/trip', 'photos/trip/day 1'])
  assert.equal(shares.folderChoice.value, 'photos')
  shares.chooseFolder('photos/trip')
  assert.equal(shares.folderChoice.value, 'photos/trip')
  setFiles([{ ...file, fileId: 'f9', path: 'music/song.mp3' }, { ...file, fileId: 'f3', path: 'photos/trip/b.jpg' }])
  client.emit('files.changed', undefined)
  await settle()
  assert.deepEqual(shares.folders.value, ['music', 'photos', 'photos/trip'])
  assert.equal(shares.folderChoice.value, 'photos/trip', 'the pick stays while it exists')
  setFiles([{ ...file, fileId: 'f9', path: 'music/song.mp3' }])
  client.emit('files.changed', undefined)
  await settle()
  assert.equal(shares.folderChoice.value, 'music', 'a folder gone: the first one again')
  stop()
  setFiles([])
  client.emit('files.changed', undefined)
  await settle()
  assert.deepEqual(shares.folders.value, ['music'], 'closed: no more listing')
  assert.equal(client.calls.filter(c => c.method === 'files.list').length, 3)
})

test('a vault with files only at the top has no folders', async () => {
  const { shares, setFiles } = setup()
  setFiles([{ ...file, path: 'cat.jpg' }])
  const stop = shares.open()
  await settle()
  assert.equal(shares.foldersLoaded.value, true)
  assert.deepEqual(shares.folders.value, [])
  assert.equal(shares.folderChoice.value, undefined)
  await shares.shareFolder()
  assert.equal(shares.sharing.value, undefined)
  stop()
})

test('Share folder sends the folder, lists the share and opens the Share dialog on its link', async () => {
  const { client, shares } = setup()
  const stop = shares.open()
  await settle()
  shares.chooseFolder('photos/trip')
  await shares.shareFolder()
  assert.deepEqual(createCalls(client).map(c => c.args), [{ folder: 'photos/trip', relayOnly: false }])
  const subject = shares.sharing.value
  assert.deepEqual(subject, { folder: 'photos/trip' })
  assert.equal(subjectPath(subject ?? { folder: '' }), 'photos/trip')
  assert.equal(shares.created.value?.link, 'https://cairn.test/#/s/new1')
  assert.equal(shares.created.value?.fileCount, 2)
  assert.equal(shares.folderBusy.value, false)
  assert.equal(shares.folderError.value, undefined)
  assert.deepEqual(shares.shares.value.map(s => [s.id, s.folder]), [['new1', 'photos/trip'], ['old', undefined]])
  // The dialog's QR code and Create link behave as for a file: no second link is made.
  shares.toggleQr()
  assert.equal(shares.showQr.value, true)
  await shares.create()
  assert.equal(createCalls(client).length, 1)
  shares.closeShare()
  assert.equal(shares.sharing.value, undefined)
  assert.equal(shares.showQr.value, false)
  stop()
})

test('Share folder with a date sends the end of that day; a past date is refused without asking the node', async () => {
  const { client, shares } = setup()
  const stop = shares.open()
  await settle()
  shares.setFolderExpiresOn('2026-03-09')
  await shares.shareFolder()
  assert.equal(createCalls(client).length, 0)
  assert.equal(shares.folderError.value, messageForCode('SHARE_EXPIRY_INVALID'))
  assert.equal(shares.sharing.value, undefined)
  shares.setFolderExpiresOn('2026-04-01')
  assert.equal(shares.folderError.value, undefined, 'changing the date clears the message')
  await shares.shareFolder()
  assert.deepEqual(createCalls(client).map(c => c.args), [{ folder: 'photos', relayOnly: false, expiresAt: new Date(2026, 3, 1, 23, 59, 59, 999).getTime() }])
  assert.equal(shares.created.value?.expiresAt, new Date(2026, 3, 1, 23, 59, 59, 999).getTime())
  assert.equal(shares.folderExpiresOn.value, '', 'the form is ready for the next folder')
  assert.equal(shares.expiresOn.value, '', 'the file dialog\'s date is its own')
  stop()
})

test('Share folder is busy while the copy is made (one at a time), then the node\'s error in words and no dialog', async () => {
  const { client, shares } = setup()
  const stop = shares.open()
  await settle()
  const gate = deferred<void>()
  client.handlers['shares.create'] = async () => { await gate.promise; return fail('SHARE_FOLDER_TOO_LARGE') }
  const running = shares.shareFolder()
  assert.equal(shares.folderBusy.value, true)
  await shares.shareFolder()
  assert.equal(createCalls(client).length, 1, 'no second share while one is made')
  gate.resolve()
  await running
  assert.equal(shares.folderBusy.value, false)
  assert.equal(shares.folderError.value, messageForCode('SHARE_FOLDER_TOO_LARGE'))
  assert.equal(shares.sharing.value, undefined)
  assert.equal(shares.created.value, undefined)
  shares.chooseFolder('photos/trip')
  assert.equal(shares.folderError.value, undefined, 'picking another folder clears the message')
  stop()
})

test('a folder share finishing after the vault locked shows nothing; one finishing under another Share dialog is only listed', async () => {
  const { client, shares } = setup()
  const stop = shares.open()
  await settle()
  const original = client.handlers['shares.create'] as NonNullable<typeof client.handlers['shares.create']>
  let gate = deferred<void>()
  client.handlers['shares.create'] = async (args) => { await gate.promise; return await original(args) }
  const locked = shares.shareFolder()
  shares.reset()
  assert.equal(shares.folderBusy.value, false)
  assert.deepEqual(shares.folders.value, [], 'locking forgets the folder names')
  assert.equal(shares.foldersLoaded.value, false)
  gate.resolve()
  await locked
  assert.equal(shares.sharing.value, undefined)
  assert.equal(shares.created.value, undefined)
  assert.deepEqual(shares.shares.value, [])
  assert.equal(shares.folderError.value, undefined)

  await shares.refresh()
  client.emit('files.changed', undefined)
  await settle()
  gate = deferred<void>()
  const running = shares.shareFolder()
  shares.startShare(file)
  gate.resolve()
  await running
  assert.deepEqual(shares.sharing.value, { file }, 'the file\'s dialog keeps its place')
  assert.equal(shares.created.value, undefined)
  assert.equal(shares.shares.peek()[0]?.folder, 'photos', 'the folder\'s link is in the list')
  assert.equal(shares.folderBusy.value, false)
  stop()
})

test('in the app: a folder\'s Share dialog counts as an open dialog and locking closes it', async () => {
  const client = createTestClient({
    'vault.status': async () => ({ state: 'unlocked', autoLockMinutes: 15 }),
    'files.list': async () => FILES,
    'shares.list': async () => [],
    'shares.create': async () => share('s1', { fileId: '', folder: 'photos', fileCount: 3, name: 'photos' })
  })
  const models = createAppModels({ client, storage: undefined, location: memoryHashLocation('#/shares'), checkDelayMs: 1 })
  const stopApp = startAppModels(models, client)
  const stopPage = models.shares.open()
  await settle()
  assert.equal(models.shares.folderChoice.value, 'photos')
  await models.shares.shareFolder()
  assert.equal(models.dialogOpen.value, true)
  client.emit('vault.status', { state: 'locked', autoLockMinutes: 15 })
  assert.equal(models.dialogOpen.value, false)
  assert.equal(models.shares.created.value, undefined)
  assert.deepEqual(models.shares.folders.value, [])
  stopPage()
  stopApp()
})
