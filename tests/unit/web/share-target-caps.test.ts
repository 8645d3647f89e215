import assert from 'node:assert/strict'
import { test } from 'node:test'
import { signal } from '@preact/signals'
import { SHARE_TARGET_MAX_FILES } from '../../../core/rpc/share-target-messages.ts'
import { answerShareTarget, takeSharedFiles, type SharedFilesReply } from '../../../sw/share-target-route.ts'
import { memoryHashLocation } from '../../../web/lib/hash-location.ts'
import { createSharedInboxModel, type SharedFilesSource } from '../../../web/models/shared-inbox-model.ts'
import { refusedSharedMessage } from '../../../web/models/shared-files-refused.ts'

const ORIGIN = 'https://cairn.example'
const event = { waitUntil: () => {} }

async function share (files: File[], caps?: Parameters<typeof answerShareTarget>[1], headers: Record<string, string> = {}): Promise<SharedFilesReply | undefined> {
  const form = new FormData()
  for (const file of files) form.append('files', file)
  const request = new Request(`${ORIGIN}/share-target`, { method: 'POST', body: form, headers })
  const response = await answerShareTarget({ request, event }, caps)
  assert.equal(response.status, 303)
  const id = /#\/shared-files\/([0-9a-f-]{36})$/.exec(response.headers.get('location') ?? '')?.[1]
  if (id === undefined) return undefined
  let reply: SharedFilesReply | undefined
  takeSharedFiles({ kind: 'shared-files-take', id }, { postMessage: (m: SharedFilesReply) => { reply = m } })
  return reply
}

const file = (name: string, size: number): File => new File([new Uint8Array(size)], name)
const kept = (reply: SharedFilesReply | undefined): string[] => reply?.kind === 'shared-files' ? reply.files.map(f => f.name) : []
const refused = (reply: SharedFilesReply | undefined) => reply?.kind === 'shared-files' ? reply.refused : []

test(`the share target holds at most ${SHARE_TARGET_MAX_FILES} files from one share and names the others`, async () => {
  const files = Array.from({ length: SHARE_TARGET_MAX_FILES + 2 }, (_, i) => file(`photo-${i + 1}.jpg`, 10))
  const reply = await share(files)
  assert.equal(kept(reply).length, SHARE_TARGET_MAX_FILES)
  assert.deepEqual(refused(reply), [
    { name: `photo-${SHARE_TARGET_MAX_FILES + 1}.jpg`, size: 10, reason: 'too-many' },
    { name: `photo-${SHARE_TARGET_MAX_FILES + 2}.jpg`, size: 10, reason: 'too-many' }
  ])
})

test('past the byte cap a file is refused, and a smaller one after it still fits', async () => {
  const reply = await share([file('a.mov', 40), file('b.mov', 40), file('c.mov', 30), file('d.txt', 20)], { maxFiles: 10, maxBytes: 100, maxBodyBytes: 10_000 })
  assert.deepEqual(kept(reply), ['a.mov', 'b.mov', 'd.txt'])
  assert.deepEqual(refused(reply), [{ name: 'c.mov', size: 30, reason: 'too-large' }])
})

test('a share whose body is over the hard limit is not read; the page still hears of it', async () => {
  const body = new TextEncoder().encode('x'.repeat(2000))
  const request = new Request(`${ORIGIN}/share-target`, { method: 'POST', body, headers: { 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': '2000' } })
  const response = await answerShareTarget({ request, event }, { maxFiles: 10, maxBytes: 100, maxBodyBytes: 1000 })
  const id = /#\/shared-files\/([0-9a-f-]{36})$/.exec(response.headers.get('location') ?? '')?.[1] ?? assert.fail('no id')
  let reply: SharedFilesReply | undefined
  takeSharedFiles({ kind: 'shared-files-take', id }, { postMessage: (m: SharedFilesReply) => { reply = m } })
  assert.deepEqual(reply, { kind: 'shared-files', files: [], refused: [{ name: '', size: 2000, reason: 'share-too-large' }] })
})

test('the page names refused files in words, keeps the others waiting, and a share refused whole is not "lost"', async () => {
  assert.equal(refusedSharedMessage([]), undefined)
  assert.equal(refusedSharedMessage([{ name: 'long-video.mov', size: 300_000_000, reason: 'too-large' }]),
    '1 shared file was not taken: long-video.mov. Cairn takes at most 50 files and 250 MB at once from the share sheet. Add them with "Add files" instead.')
  assert.equal(refusedSharedMessage(Array.from({ length: 7 }, (_, i) => ({ name: `p${i}.jpg`, size: 1, reason: 'too-many' as const }))),
    '7 shared files were not taken: p0.jpg, p1.jpg, p2.jpg, p3.jpg, p4.jpg and 2 more. Cairn takes at most 50 files and 250 MB at once from the share sheet. Add them with "Add files" instead.')
  assert.equal(refusedSharedMessage([{ name: '', size: 1_500_000_000, reason: 'share-too-large' }]),
    'Nothing was taken from a share of 1.50 GB: Cairn takes at most 50 files and 250 MB at once from the share sheet. Add them with "Add files" instead.')

  const location = memoryHashLocation('#/shared-files/one')
  const source: SharedFilesSource = {
    take: async (id) => id === 'one'
      ? { files: [new File(['hi'], 'note.txt')], refused: [{ name: 'big.mov', size: 300_000_000, reason: 'too-large' }] }
      : { files: [], refused: [{ name: 'huge.mov', size: 900_000_000, reason: 'too-large' }] }
  }
  const inbox = createSharedInboxModel({
    location,
    source,
    screen: signal('unlocked'),
    uploads: { add: () => {}, active: signal(false), items: signal([]) },
    vaultFiles: signal([]),
    vaultListed: signal(true)
  })
  const stop = inbox.start()
  await new Promise(resolve => setImmediate(resolve))
  assert.deepEqual(inbox.status.value, { kind: 'confirm', count: 1, names: ['note.txt'], ready: true })
  assert.match(inbox.refusedMessage.value ?? '', /^1 shared file was not taken: big\.mov\./)
  inbox.dismissRefused()
  assert.equal(inbox.refusedMessage.value, undefined)

  location.set('#/shared-files/two')
  await new Promise(resolve => setImmediate(resolve))
  assert.match(inbox.refusedMessage.value ?? '', /huge\.mov/)
  assert.notEqual(inbox.status.value.kind, 'lost')
  stop()
})
