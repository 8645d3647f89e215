import assert from 'node:assert/strict'
import { test } from 'node:test'
import { signal } from '@preact/signals'
import type { AddFileArgs, FileInfo, VaultStatus } from '../../../core/rpc/api.ts'
import { memoryHashLocation } from '../../../web/lib/hash-location.ts'
import { createAppModels, startAppModels } from '../../../web/models/app-models.ts'
import { createSharedInboxModel, sharedInboxMessage, type InboxScreen, type SharedFilesSource } from '../../../web/models/shared-inbox-model.ts'
import { createUploadsModel } from '../../../web/models/uploads-model.ts'
import { createTestClient, deferred, settle } from './fake-rpc.ts'

const fileOf = (name: string, text: string): File => new File([text], name, { type: 'text/plain' })

/** A service worker that holds files under ids and gives each set away once, like sw/share-target-route.ts. */
function fakeServiceWorker (held: Record<string, File[]>): SharedFilesSource & { asked: string[] } {
  const store = new Map(Object.entries(held))
  const asked: string[] = []
  return {
    asked,
    take: async (id) => {
      asked.push(id)
      const files = store.get(id)
      store.delete(id)
      return files === undefined ? undefined : { files, refused: [] }
    }
  }
}

function setup (hash: string, screenAtStart: InboxScreen, source: SharedFilesSource, inVault: string[] = []) {
  /** `path:text` of each files.add, with the path the queue asked for. */
  const added: string[] = []
  const gate = deferred<void>()
  const client = createTestClient({
    'files.add': async (args: AddFileArgs) => {
      added.push(`${args.path ?? '(no path)'}:${await args.file.text()}`)
      await gate.promise
      return { file: { fileId: args.uploadId, path: args.path ?? args.file.name, size: args.file.size, mtime: 1, type: '', cid: 'c' }, deduplicated: false }
    }
  })
  const uploads = createUploadsModel(client)
  const location = memoryHashLocation(hash)
  const history: string[] = []
  const screen = signal<InboxScreen>(screenAtStart)
  const vaultFiles = signal(inVault.map(path => ({ path })))
  const vaultListed = signal(true)
  const inbox = createSharedInboxModel({
    location,
    replaceHash: (h) => { history.push(h); location.set(h) },
    source,
    screen,
    uploads,
    vaultFiles,
    vaultListed
  })
  const stop = inbox.start()
  return { inbox, uploads, location, history, screen, vaultFiles, vaultListed, added, gate, stop }
}

test('files shared while unlocked are taken once and wait for "Add to vault"; the hash goes back to the files', async () => {
  const sw = fakeServiceWorker({ abc: [fileOf('a.txt', 'alpha'), fileOf('b.txt', 'beta')] })
  const { inbox, uploads, location, history, added, gate, stop } = setup('#/shared-files/abc', 'unlocked', sw)
  assert.equal(location.get(), '#/files')
  assert.deepEqual(history, ['#/files'])
  assert.equal(inbox.status.value.kind, 'taking')
  await settle()
  assert.deepEqual(inbox.status.value, { kind: 'confirm', count: 2, names: ['a.txt', 'b.txt'], ready: true })
  assert.equal(sharedInboxMessage(inbox.status.value), '2 shared files are ready to add: a.txt, b.txt')
  await settle(5)
  assert.equal(uploads.items.value.length, 0, 'nothing goes to the vault without the user')
  assert.deepEqual(added, [])

  inbox.add()
  assert.deepEqual(inbox.status.value, { kind: 'adding', count: 2 })
  assert.equal(sharedInboxMessage(inbox.status.value), 'Adding 2 shared files to your vault…')
  assert.deepEqual(uploads.items.value.map(i => i.path), ['a.txt', 'b.txt'])
  gate.resolve()
  await uploads.idle()
  await settle()
  assert.deepEqual(added, ['a.txt:alpha', 'b.txt:beta'])
  assert.deepEqual(uploads.items.value.map(i => i.state.value), ['stored', 'stored'])
  assert.deepEqual(inbox.status.value, { kind: 'idle' })
  inbox.add()
  assert.equal(uploads.items.value.length, 2, 'a second click adds nothing more')

  // Going back to the same id (history, a second tab's hash) does not ask again.
  location.set('#/shared-files/abc')
  await settle()
  assert.deepEqual(sw.asked, ['abc'])
  assert.equal(location.get(), '#/files')
  assert.equal(uploads.items.value.length, 2)
  stop()
})

test('"Discard" forgets the shared files: nothing is uploaded, and a later add does nothing', async () => {
  const sw = fakeServiceWorker({ d: [fileOf('notes.txt', 'from some website')] })
  const { inbox, uploads, added, stop } = setup('#/shared-files/d', 'unlocked', sw, ['notes.txt'])
  await settle()
  assert.equal(sharedInboxMessage(inbox.status.value), '1 shared file is ready to add: notes.txt')
  inbox.discard()
  assert.deepEqual(inbox.status.value, { kind: 'idle' })
  inbox.add()
  await settle()
  assert.equal(uploads.items.value.length, 0)
  assert.deepEqual(added, [])
  stop()
})

test('added files never replace one: a taken name gets " (2)", names in one batch and in the queue count too, and a "/" cannot pick the folder', async () => {
  const sw = fakeServiceWorker({
    s: [fileOf('note.txt', 'shared note'), fileOf('note.txt', 'second note'), fileOf('Documents/passport.pdf', 'pdf'), fileOf('../../x.txt', 'x'), fileOf('queued.txt', 'q')]
  })
  const { inbox, uploads, added, gate, stop } = setup('#/shared-files/s', 'unlocked', sw, ['note.txt', 'Documents/passport.pdf', 'x.txt'])
  // The user's own upload still in the queue holds its path as well.
  uploads.add([{ file: fileOf('queued.txt', 'mine') }])
  await settle()
  assert.deepEqual(inbox.status.value.kind === 'confirm' && inbox.status.value.names, ['note.txt', 'note.txt', 'passport.pdf', 'x.txt', 'queued.txt'])
  inbox.add()
  assert.deepEqual(uploads.items.value.map(i => i.path), ['queued.txt', 'note (2).txt', 'note (3).txt', 'passport.pdf', 'x (2).txt', 'queued (2).txt'])
  gate.resolve()
  await uploads.idle()
  assert.deepEqual(added, ['(no path):mine', 'note (2).txt:shared note', 'note (3).txt:second note', 'passport.pdf:pdf', 'x (2).txt:x', 'queued (2).txt:q'])
  stop()
})

test('"Add to vault" waits for the vault\'s list, so no existing path is missed', async () => {
  const sw = fakeServiceWorker({ w: [fileOf('todo.txt', 'new')] })
  const { inbox, uploads, vaultFiles, vaultListed, stop } = setup('#/shared-files/w', 'unlocked', sw)
  vaultListed.value = false
  await settle()
  assert.deepEqual(inbox.status.value, { kind: 'confirm', count: 1, names: ['todo.txt'], ready: false })
  inbox.add()
  assert.equal(uploads.items.value.length, 0)
  vaultFiles.value = [{ path: 'todo.txt' }]
  vaultListed.value = true
  inbox.add()
  assert.deepEqual(uploads.items.value.map(i => i.path), ['todo (2).txt'])
  stop()
})

test('the notice names at most five files, then how many more, and cuts very long names', () => {
  const names = ['1.txt', '2.txt', '3.txt', '4.txt', '5.txt', '6.txt', '7.txt']
  assert.equal(sharedInboxMessage({ kind: 'confirm', count: 7, names, ready: true }),
    '7 shared files are ready to add: 1.txt, 2.txt, 3.txt, 4.txt, 5.txt and 2 more')
  const long = sharedInboxMessage({ kind: 'confirm', count: 1, names: ['a'.repeat(500)], ready: true }) ?? ''
  assert.ok(long.length < 100 && long.endsWith('…'), long)
})

test('while locked the files wait and the notice asks to unlock; unlocking offers them, it does not add them', async () => {
  const sw = fakeServiceWorker({ id1: [fileOf('photo.jpg', 'jpeg bytes')] })
  const { inbox, uploads, screen, added, gate, stop } = setup('#/shared-files/id1', 'loading', sw)
  await settle()
  assert.deepEqual(inbox.status.value, { kind: 'taking' }, 'nothing is offered before the vault state is known')
  inbox.add()
  assert.equal(uploads.items.value.length, 0)
  screen.value = 'locked'
  assert.equal(sharedInboxMessage(inbox.status.value), 'Unlock to add 1 shared file to your vault.')
  inbox.add()
  await settle()
  assert.equal(uploads.items.value.length, 0)
  screen.value = 'unlocked'
  await settle()
  assert.deepEqual(added, [])
  assert.equal(sharedInboxMessage(inbox.status.value), '1 shared file is ready to add: photo.jpg')
  inbox.add()
  gate.resolve()
  await uploads.idle()
  await settle()
  assert.deepEqual(added, ['photo.jpg:jpeg bytes'])
  assert.deepEqual(inbox.status.value, { kind: 'idle' })
  stop()
})

test('with no vault yet the files are kept through onboarding and offered once the vault is open', async () => {
  const sw = fakeServiceWorker({ x: [fileOf('one.txt', '1'), fileOf('two.txt', '2'), fileOf('three.txt', '3')] })
  const { inbox, uploads, screen, added, gate, stop } = setup('#/shared-files/x', 'onboarding', sw)
  await settle()
  assert.equal(sharedInboxMessage(inbox.status.value), 'Finish setting up your vault to add 3 shared files to it.')
  assert.equal(uploads.items.value.length, 0)
  screen.value = 'unlocked'
  assert.equal(inbox.status.value.kind, 'confirm')
  inbox.add()
  gate.resolve()
  await uploads.idle()
  assert.deepEqual(added, ['one.txt:1', 'two.txt:2', 'three.txt:3'])
  stop()
})

test('files the service worker no longer has are reported as lost, and the notice can be dismissed', async () => {
  const sw = fakeServiceWorker({})
  const { inbox, uploads, location, stop } = setup('#/shared-files/gone', 'unlocked', sw)
  await settle()
  assert.equal(location.get(), '#/files')
  assert.deepEqual(inbox.status.value, { kind: 'lost' })
  assert.equal(sharedInboxMessage(inbox.status.value), 'The shared files were lost before Cairn could take them; share them again.')
  assert.equal(uploads.items.value.length, 0)
  inbox.dismiss()
  assert.deepEqual(inbox.status.value, { kind: 'idle' })
  stop()
})

test('a failing service worker also counts as lost; other hashes are left alone', async () => {
  const failing: SharedFilesSource = { take: async () => { throw new Error('no controller') } }
  const { inbox, location, history, stop } = setup('#/logs', 'unlocked', failing)
  await settle()
  assert.equal(location.get(), '#/logs')
  assert.deepEqual(history, [])
  assert.deepEqual(inbox.status.value, { kind: 'idle' })
  location.set('#/shared-files/../../x')
  assert.deepEqual(history, [], 'only a plain id is taken')
  location.set('#/shared-files/0f1e2d3c-aaaa-4bbb-8ccc-0123456789ab')
  await settle()
  assert.deepEqual(inbox.status.value, { kind: 'lost' })
  stop()
})

test('wired into the app: a share that arrives locked is offered on unlock once the list is in, and added beside the vault\'s files', async () => {
  let status: VaultStatus = { state: 'locked', autoLockMinutes: 15 }
  const added: string[] = []
  const inVault: FileInfo = { fileId: 'f1', path: 'x.txt', size: 3, mtime: 1, type: 'text/plain', cid: 'c0' }
  const listed = deferred<void>()
  const client = createTestClient({
    'vault.status': async () => status,
    'files.list': async () => { await listed.promise; return [inVault] },
    'folders.list': async () => [],
    'files.add': async (args: AddFileArgs) => {
      added.push(args.path ?? args.file.name)
      return { file: { fileId: args.uploadId, path: args.path ?? args.file.name, size: args.file.size, mtime: 1, type: '', cid: 'c' }, deduplicated: false }
    }
  })
  const sw = fakeServiceWorker({ s1: [fileOf('x.txt', 'x'), fileOf('y.txt', 'y')] })
  const models = createAppModels({ client, storage: undefined, location: memoryHashLocation('#/shared-files/s1'), sharedFiles: sw, checkDelayMs: 1 })
  const stop = startAppModels(models, client)
  await settle()
  assert.equal(models.screen.value, 'locked')
  assert.equal(sharedInboxMessage(models.sharedInbox.status.value), 'Unlock to add 2 shared files to your vault.')
  status = { ...status, state: 'unlocked' }
  client.emit('vault.status', status)
  await settle()
  assert.deepEqual(models.sharedInbox.status.value, { kind: 'confirm', count: 2, names: ['x.txt', 'y.txt'], ready: false })
  listed.resolve()
  await settle()
  assert.deepEqual(models.sharedInbox.status.value, { kind: 'confirm', count: 2, names: ['x.txt', 'y.txt'], ready: true })
  assert.deepEqual(added, [])
  models.sharedInbox.add()
  await models.uploads.idle()
  await settle()
  assert.deepEqual(added, ['x (2).txt', 'y.txt'])
  assert.deepEqual(models.uploads.items.value.map(i => i.state.value), ['stored', 'stored'])
  assert.deepEqual(models.sharedInbox.status.value, { kind: 'idle' })
  stop()
})
