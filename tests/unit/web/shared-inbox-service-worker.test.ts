import assert from 'node:assert/strict'
import { test } from 'node:test'
import { answerShareTarget, isShareTarget, takeSharedFiles, type SharedFilesReply } from '../../../sw/share-target-route.ts'

const ORIGIN = 'https://cairn.example'

function sharePost (form: FormData): Request {
  return new Request(`${ORIGIN}/share-target`, { method: 'POST', body: form })
}

function fakeEvent (): { waitUntil: (p: Promise<unknown>) => void, kept: Array<Promise<unknown>> } {
  const kept: Array<Promise<unknown>> = []
  return { kept, waitUntil: (p) => { kept.push(p) } }
}

function take (id: string): SharedFilesReply | undefined {
  let answer: SharedFilesReply | undefined
  takeSharedFiles({ kind: 'shared-files-take', id }, { postMessage: (m: SharedFilesReply) => { answer = m } })
  return answer
}

test('only a same-origin POST to /share-target is the share target', () => {
  const post = new Request(`${ORIGIN}/share-target`, { method: 'POST' })
  assert.equal(isShareTarget({ url: new URL(post.url), request: post, sameOrigin: true }), true)
  assert.equal(isShareTarget({ url: new URL(post.url), request: post, sameOrigin: false }), false)
  const get = new Request(`${ORIGIN}/share-target`)
  assert.equal(isShareTarget({ url: new URL(get.url), request: get, sameOrigin: true }), false)
  const other = new Request(`${ORIGIN}/share-target/x`, { method: 'POST' })
  assert.equal(isShareTarget({ url: new URL(other.url), request: other, sameOrigin: true }), false)
})

test('shared files are held under a random id, the browser is sent there with 303, and one page takes them', async () => {
  const form = new FormData()
  form.append('title', 'Holiday')
  form.append('files', new File(['first file'], 'a.txt', { type: 'text/plain' }))
  form.append('files', new File([new Uint8Array([1, 2, 3])], 'b.bin'))
  const event = fakeEvent()
  const response = await answerShareTarget({ request: sharePost(form), event })
  assert.equal(response.status, 303)
  const location = new URL(response.headers.get('location') ?? '')
  assert.equal(location.origin, ORIGIN)
  assert.equal(location.pathname, '/')
  const id = /^#\/shared-files\/([0-9a-f-]{36})$/.exec(location.hash)?.[1]
  assert.ok(id !== undefined, location.hash)
  assert.equal(event.kept.length, 1, 'the worker is kept alive until the files are taken')

  const reply = take(id)
  assert.equal(reply?.kind, 'shared-files')
  const files = reply?.kind === 'shared-files' ? reply.files : []
  assert.deepEqual(files.map(f => f.name), ['a.txt', 'b.bin'])
  assert.equal(await files[0]?.text(), 'first file')
  assert.deepEqual([...new Uint8Array(await files[1]?.arrayBuffer() ?? new ArrayBuffer(0))], [1, 2, 3])
  await event.kept[0]
  assert.deepEqual(take(id), { kind: 'shared-files-lost' }, 'a second taker gets nothing')
})

test('a share with no files (text only, or an empty file field) goes home with nothing held', async () => {
  const form = new FormData()
  form.append('text', 'just words')
  form.append('files', new File([], ''))
  const event = fakeEvent()
  const response = await answerShareTarget({ request: sharePost(form), event })
  assert.equal(response.status, 303)
  assert.equal(response.headers.get('location'), `${ORIGIN}/`)
  assert.equal(event.kept.length, 0)
})

test('an unknown id (the worker was restarted) is answered as lost', () => {
  assert.deepEqual(take('00000000-0000-4000-8000-000000000000'), { kind: 'shared-files-lost' })
})
