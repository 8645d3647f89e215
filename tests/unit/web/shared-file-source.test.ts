import assert from 'node:assert/strict'
import { test } from 'node:test'
import { STREAMED_BY_CAIRN_HEADER } from '../../../core/rpc/file-stream-protocol.ts'
import { sharedFileSource } from '../../../sw/workers/shared-file-source.ts'

const ORIGIN = 'https://cairn.example'
/** The vault's lock signal while it stays unlocked. */
const unlocked = new AbortController().signal

function recordingFetch (answer: (url: string) => Response): { fetch: typeof fetch, asked: string[] } {
  const asked: string[] = []
  return {
    asked,
    fetch: async (input) => {
      const url = input instanceof URL ? input.href : typeof input === 'string' ? input : input.url
      asked.push(url)
      return answer(url)
    }
  }
}

async function rejectsWithCode (promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: { code?: string }) => { assert.equal(err.code, code); return true })
}

test('the node reads only a shared file the service worker serves on this origin', async () => {
  const { fetch, asked } = recordingFetch(() => new Response('x', { headers: { [STREAMED_BY_CAIRN_HEADER]: 'file' } }))
  const open = sharedFileSource(ORIGIN, fetch)
  for (const source of ['https://evil.example/download/share/tok', '/download/abc', '/api/secret', '/download/share/tok?inline', '//evil.example/download/share/tok']) {
    await rejectsWithCode(open(source, unlocked), 'INVALID_ARGUMENT')
  }
  assert.deepEqual(asked, [], 'nothing was fetched for a refused source')
  const body = await new Response(await open('/download/share/tok/2', unlocked)).text()
  assert.equal(body, 'x')
  assert.deepEqual(asked, [`${ORIGIN}/download/share/tok/2`])
})

test('an answer not from the service worker, or its refusal, is an error in words, never stored as the file', async () => {
  // A network page that answers any URL (a dev server's index.html) has no header.
  const notOurs = sharedFileSource(ORIGIN, recordingFetch(() => new Response('<!doctype html>', { status: 200 })).fetch)
  await rejectsWithCode(notOurs('/download/share/tok', unlocked), 'SERVICE_WORKER_MISSING')
  const closed = sharedFileSource(ORIGIN, recordingFetch(() => new Response('gone', { status: 404, headers: { [STREAMED_BY_CAIRN_HEADER]: 'error' } })).fetch)
  await rejectsWithCode(closed('/download/share/tok', unlocked), 'SHARE_UNAVAILABLE')
  const nobody = sharedFileSource(ORIGIN, recordingFetch(() => new Response('nobody', { status: 503, headers: { [STREAMED_BY_CAIRN_HEADER]: 'error' } })).fetch)
  await rejectsWithCode(nobody('/download/share/tok', unlocked), 'SHARE_UNAVAILABLE')
})

test('a shared file that breaks off midway fails as SHARE_UNAVAILABLE after the bytes that did arrive', async () => {
  let sent = false
  const body = new ReadableStream<Uint8Array>({
    pull (controller) {
      if (!sent) { sent = true; controller.enqueue(new Uint8Array([1, 2, 3])); return }
      controller.error(new TypeError('network error'))
    }
  })
  const open = sharedFileSource(ORIGIN, recordingFetch(() => new Response(body, { headers: { [STREAMED_BY_CAIRN_HEADER]: 'file' } })).fetch)
  const reader = (await open('/download/share/tok', unlocked)).getReader()
  assert.deepEqual((await reader.read()).value, new Uint8Array([1, 2, 3]))
  await rejectsWithCode(reader.read(), 'SHARE_UNAVAILABLE')
})

test('the vault locking while the service worker has not answered yet stops the wait', async () => {
  const lock = new AbortController()
  // Like fetch: pending until answered, rejected with the signal's reason when it aborts.
  const waiting: typeof fetch = async (_input, init) => await new Promise((_resolve, reject) => {
    init?.signal?.addEventListener('abort', () => { reject(init.signal?.reason) }, { once: true })
  })
  const pending = sharedFileSource(ORIGIN, waiting)('/download/share/tok', lock.signal)
  lock.abort(new DOMException('locked', 'AbortError'))
  await assert.rejects(pending, { name: 'AbortError' })
})
