import assert from 'node:assert/strict'
import { test } from 'node:test'
import { messageForCode } from '../../../web/error-messages.ts'
import { createSaveToVaultModel } from '../../../web/share/save-to-vault-model.ts'
import { createShareModel } from '../../../web/share/share-model.ts'
import { takeShareLink } from '../../../web/share/take-share-link.ts'
import { previewKind } from '../../../web/share/preview-kind.ts'
import { shareDownloadUrl } from '../../../core/rpc/service-worker-urls.ts'
import { requestedIndex } from '../../../web/share/share-download-bridge.ts'
import { createTestClient, fail, settle } from './fake-rpc.ts'
import type { FromShareWorker, ToShareWorker } from '../../../core/rpc/share-messages.ts'
import type { VaultState } from '../../../core/rpc/api.ts'
import { CairnError, type ErrorCode } from '../../../core/errors.ts'

function fakeWorker () {
  const sent: ToShareWorker[] = []
  let listener: ((message: FromShareWorker) => void) | undefined
  return {
    sent,
    reply: (message: FromShareWorker) => { listener?.(message) },
    worker: {
      post: (message: ToShareWorker) => { sent.push(message) },
      listen: (fn: (message: FromShareWorker) => void) => { listener = fn; return () => { listener = undefined } },
      terminate: () => { listener = undefined }
    }
  }
}

const META = { name: 'cat.png', size: 1234, type: 'image/png' }

test('the share page: looking, then ready; the key-bearing link goes only to the worker', async () => {
  const { sent, reply, worker } = fakeWorker()
  const share = createShareModel({ link: '#/s/AQID', worker, serviceWorkerReady: Promise.resolve(true), token: 'tok' })
  share.start()
  assert.equal(share.state.value, 'opening')
  assert.deepEqual(sent, [{ kind: 'open', link: '#/s/AQID' }])
  reply({ kind: 'link-read', meta: META })
  assert.equal(share.state.value, 'opening', 'still looking once the link is read')
  assert.deepEqual(share.meta.value, META)
  reply({ kind: 'opened', meta: META })
  assert.equal(share.state.value, 'ready')
  await settle()
  assert.equal(share.downloadsReady.value, true)
  assert.equal(share.token, 'tok')
})

test('the share page: a damaged link is final; nobody sharing offers Try again, which looks again', () => {
  const damaged = fakeWorker()
  const a = createShareModel({ link: '#/s/zz', worker: damaged.worker, serviceWorkerReady: Promise.resolve(true) })
  a.start()
  damaged.reply({ kind: 'open-failed', error: { code: 'SHARE_LINK_DAMAGED', message: 'x' } })
  assert.equal(a.state.value, 'damaged')
  assert.equal(a.error.value, messageForCode('SHARE_LINK_DAMAGED'))
  assert.match(a.error.value ?? '', /^This link is damaged/)
  a.retry()
  assert.equal(damaged.sent.length, 1, 'a damaged link is not retried')

  const nobody = fakeWorker()
  const b = createShareModel({ link: '#/s/AQID', worker: nobody.worker, serviceWorkerReady: Promise.resolve(true) })
  b.start()
  nobody.reply({ kind: 'open-failed', error: { code: 'SHARE_UNAVAILABLE', message: 'x' }, meta: META })
  assert.equal(b.state.value, 'unavailable')
  assert.match(b.error.value ?? '', /^Nobody is sharing this file right now/)
  b.retry()
  assert.equal(b.state.value, 'opening')
  assert.equal(b.error.value, undefined)
  assert.equal(nobody.sent.length, 2)
})

test('takeShareLink reads the fragment and clears it from the address bar; other hashes are left alone', () => {
  const replaced: string[] = []
  const history = { state: null, replaceState: (_: unknown, __: string, url?: string | URL | null) => { replaced.push(String(url)) } }
  assert.equal(takeShareLink({ hash: '#/s/AQID', pathname: '/', search: '' }, history), '#/s/AQID')
  assert.deepEqual(replaced, ['/'])
  assert.equal(takeShareLink({ hash: '#/files', pathname: '/', search: '' }, history), undefined)
  assert.equal(replaced.length, 1)
})

function saveSetup (vault: VaultState, hasCairn = true) {
  let state = vault
  const client = createTestClient({
    'vault.status': async () => ({ state, autoLockMinutes: 15 }),
    'vault.unlock': async ({ passphrase }) => {
      if (passphrase !== 'right') fail('WRONG_PASSPHRASE')
      state = 'unlocked'
      return { state, autoLockMinutes: 15 }
    },
    'files.list': async () => [{ fileId: 'old', path: 'Shared with me/cats', size: 9, mtime: 0, type: 'image/png', cid: 'bafyold' }],
    'folders.list': async () => [],
    'files.addShared': async ({ uploadId, path, size, type }) => {
      // The node reports progress on the upload it was asked for; another upload's events are not this save's.
      client.emit('upload.progress', { uploadId, bytesDone: 1, bytesTotal: size, phase: 'encrypting' })
      client.emit('upload.progress', { uploadId: 'someone-else', bytesDone: 999, bytesTotal: 999, phase: 'encrypting' })
      progress.push(save.bytesDone.value)
      return { file: { fileId: 'f1', path, size, mtime: 0, type, cid: 'bafy' }, deduplicated: false }
    }
  })
  const progress: number[] = []
  let connects = 0
  const save = createSaveToVaultModel({
    hasCairn: async () => hasCairn,
    connect: () => { connects++; return client },
    openCairn: () => {},
    shared: () => ({
      kind: 'folder',
      name: 'cats',
      files: [
        { source: '/download/share/tok/0', path: 'cat.png', size: 3, type: 'image/png' },
        { source: '/download/share/tok/1', path: 'kittens/cat.png', size: 1, type: 'image/png' }
      ]
    })
  })
  return { save, client, connects: () => connects, progress }
}

test('Save to my vault: hidden without Cairn, and Cairn is not started just to look', async () => {
  const { save, connects } = saveSetup('none', false)
  await save.check()
  assert.equal(save.state.value, 'absent')
  assert.equal(connects(), 0)
})

test('Save to my vault: an unlocked vault has the node store each file from its service worker URL, never over a file', async () => {
  const { save, client, progress } = saveSetup('unlocked')
  await save.check()
  assert.equal(save.state.value, 'idle')
  await save.save()
  assert.equal(save.state.value, 'saved')
  const adds = client.calls.filter(c => c.method === 'files.addShared').map(c => c.args as { source: string, path: string, size: number, type: string })
  assert.deepEqual(adds.map(a => [a.source, a.path, a.size, a.type]), [
    ['/download/share/tok/0', 'Shared with me/cats (2)/cat.png', 3, 'image/png'],
    ['/download/share/tok/1', 'Shared with me/cats (2)/kittens/cat.png', 1, 'image/png']
  ], 'the folder beside the file named like it, its files inside it')
  // Bytes of the files before, plus the one in progress; all of them at the end.
  assert.deepEqual(progress, [1, 4])
  assert.equal(save.bytesDone.value, 4)
})

test('Save to my vault: a locked vault asks for the passphrase; a wrong one is refused and nothing is stored', async () => {
  const { save, client } = saveSetup('locked')
  await save.check()
  await save.save()
  assert.equal(save.state.value, 'locked')
  await save.unlock('wrong')
  assert.equal(save.state.value, 'locked')
  assert.equal(save.error.value, messageForCode('WRONG_PASSPHRASE'))
  assert.equal(client.calls.filter(c => c.method === 'files.addShared').length, 0)
  await save.unlock('right')
  assert.equal(save.state.value, 'saved')
})

test('previews: images and PDFs up to 64 MiB, audio and video streamed at any size, text (HTML too, shown as text) from its start; unknown types never', () => {
  const kind = (type: string, size = 1000): string | undefined => previewKind({ name: 'x', size, type })
  assert.equal(kind('image/png'), 'image')
  assert.equal(kind('image/png', 65 * 1024 * 1024), undefined)
  assert.equal(kind('audio/mpeg', 5e9), 'audio')
  assert.equal(kind('video/mp4', 5e9), 'video')
  assert.equal(kind('text/plain', 5e9), 'text')
  assert.equal(kind('text/plain', 0), undefined)
  assert.equal(kind('text/html'), 'text')
  assert.equal(kind('application/pdf'), 'pdf')
  assert.equal(kind('application/octet-stream'), undefined)
  assert.equal(kind(''), undefined)
})

test('share download URLs name a random token and a folder index, never the key; the bridge answers only its own token', () => {
  assert.equal(shareDownloadUrl('tok'), '/download/share/tok')
  assert.equal(shareDownloadUrl('tok', true), '/download/share/tok?inline')
  assert.equal(shareDownloadUrl('tok', false, 3), '/download/share/tok/3')
  assert.equal(requestedIndex('tok', 'tok'), undefined)
  assert.equal(requestedIndex('tok/3', 'tok'), 3)
  assert.equal(requestedIndex('other', 'tok'), null)
  assert.equal(requestedIndex('tokx/3', 'tok'), null)
  assert.equal(requestedIndex('tok/-1', 'tok'), null)
  assert.equal(requestedIndex('tok/1.5', 'tok'), null)
})

test('the share page: a download that broke off after the file was found says why, keeps the share open, and is forgotten on the next try', () => {
  const { reply, worker } = fakeWorker()
  const share = createShareModel({ link: '#/s/AQID', worker, serviceWorkerReady: Promise.resolve(true) })
  share.start()
  reply({ kind: 'opened', meta: META })
  assert.equal(share.streamError.value, undefined)
  reply({ kind: 'stream-failed', error: { code: 'SHARE_UNAVAILABLE', message: 'stalled' } })
  assert.equal(share.state.value, 'ready', 'Download stays offered: the peers may be back')
  assert.equal(share.streamError.value, messageForCode('SHARE_UNAVAILABLE'))
  reply({ kind: 'stream-failed', error: { code: 'CHUNK_TAMPERED', message: 'x' } })
  assert.equal(share.streamError.value, messageForCode('CHUNK_TAMPERED'))
  // A code this page does not know (a newer worker's), or an unexpected failure, gets words
  // for this page, which has no Logs page to send anyone to.
  reply({ kind: 'stream-failed', error: { code: 'NOT_A_CODE' as ErrorCode, message: 'x' } })
  assert.match(share.streamError.value ?? '', /^Something went wrong while fetching this file/)
  reply({ kind: 'stream-failed', error: { code: 'INTERNAL', message: 'x' } })
  assert.doesNotMatch(share.streamError.value ?? '', /Logs/)
  share.clearStreamError()
  assert.equal(share.streamError.value, undefined)
})

test('Save to my vault: a stream that broke off during the save gives the save its words; one before or after does not', async () => {
  const { save, client } = saveSetup('unlocked')
  await save.check()
  assert.equal(save.streamFailed('a preview broke off'), false, 'not saving: the words are the page\'s, not the save\'s')
  let failSave: (err: unknown) => void = () => {}
  client.handlers['files.addShared'] = async () => await new Promise((_resolve, reject) => { failSave = reject })
  const saving = save.save()
  await settle()
  assert.equal(save.state.value, 'saving')
  assert.equal(save.streamFailed(messageForCode('CHUNK_TAMPERED')), true)
  // The node saw only a broken response.
  failSave(new CairnError('SHARE_UNAVAILABLE', 'broken response'))
  await saving
  assert.equal(save.state.value, 'failed')
  assert.equal(save.error.value, messageForCode('CHUNK_TAMPERED'))

  // The next save starts clean: its own failure has its own words.
  client.handlers['files.addShared'] = async () => { throw new CairnError('QUOTA_EXCEEDED', 'full') }
  await save.save()
  assert.equal(save.error.value, messageForCode('QUOTA_EXCEEDED'))
  assert.equal(save.streamFailed('late words'), false)
  assert.equal(save.error.value, messageForCode('QUOTA_EXCEEDED'))
})
