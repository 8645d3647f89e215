import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CairnError } from '../../../core/errors.ts'
import type { FileStreamReply, FileStreamRequest } from '../../../core/rpc/file-stream-protocol.ts'
import { serveFileStream, type FileStreamSource } from '../../../sw/workers/file-stream-server.ts'

/** Waits for `check` to hold, turn by turn (the test's own timeout bounds it): no fixed sleep. */
async function until (check: () => boolean): Promise<void> {
  while (!check()) await new Promise(resolve => setImmediate(resolve))
}

/** The service worker's side of one download: sends a request, waits for the reply. */
function puller (port: MessagePort): (request: FileStreamRequest) => Promise<FileStreamReply> {
  return async (request) => await new Promise((resolve) => {
    port.onmessage = (ev: MessageEvent<FileStreamReply>) => { resolve(ev.data) }
    port.postMessage(request)
  })
}

test('a source that breaks off midway answers the service worker with its error and tells onFailure', async () => {
  const { port1, port2 } = new MessageChannel()
  const failures: unknown[] = []
  let sent = false
  const stream = new ReadableStream<Uint8Array>({
    pull (controller) {
      if (!sent) { sent = true; controller.enqueue(new Uint8Array([1, 2])); return }
      controller.error(new CairnError('SHARE_UNAVAILABLE', 'its peers left'))
    }
  })
  serveFileStream(port1, async () => ({ name: 'a.bin', size: 10, type: '', read: () => stream }), (err) => { failures.push(err) })
  const pull = puller(port2)
  assert.equal((await pull({ kind: 'pull' })).kind, 'meta')
  assert.deepEqual(await pull({ kind: 'pull' }), { kind: 'chunk', bytes: new Uint8Array([1, 2]) })
  const broken = await pull({ kind: 'pull' })
  assert.equal(broken.kind, 'error')
  assert.equal(broken.kind === 'error' && broken.error.code, 'SHARE_UNAVAILABLE')
  assert.deepEqual(failures.map(e => (e as CairnError).code), ['SHARE_UNAVAILABLE'])
  port2.close()
})

test('the service worker cancelling a download (the reader went away) is not a failure', async () => {
  const { port1, port2 } = new MessageChannel()
  const failures: unknown[] = []
  let cancelled = false
  const stream = new ReadableStream<Uint8Array>({
    pull (controller) { controller.enqueue(new Uint8Array(4)) },
    cancel () { cancelled = true }
  })
  serveFileStream(port1, async () => ({ name: 'a.bin', size: 10, type: '', read: () => stream }), (err) => { failures.push(err) })
  const pull = puller(port2)
  await pull({ kind: 'pull' })
  await pull({ kind: 'pull' })
  port2.postMessage({ kind: 'cancel' } satisfies FileStreamRequest)
  await until(() => cancelled)
  assert.deepEqual(failures, [])
  port2.close()
})

test('a cancel while a read is stalled (a preview torn down while peers are slow) is not a failure either', async () => {
  const { port1, port2 } = new MessageChannel()
  const failures: unknown[] = []
  let cancelled = false
  let pulls = 0
  const stream = new ReadableStream<Uint8Array>({
    // The first chunk comes at once; the second never does, until the cancel.
    async pull (controller) {
      pulls++
      if (pulls === 1) { controller.enqueue(new Uint8Array(4)); return }
      await new Promise(() => {})
    },
    cancel () { cancelled = true }
  }, { highWaterMark: 0 })
  serveFileStream(port1, async () => ({ name: 'a.mp4', size: 10, type: 'video/mp4', read: () => stream }), (err) => { failures.push(err) })
  const pull = puller(port2)
  await pull({ kind: 'pull' })
  await pull({ kind: 'pull' })
  port2.postMessage({ kind: 'pull' } satisfies FileStreamRequest)
  await until(() => pulls === 2) // the read is stalled
  port2.postMessage({ kind: 'cancel' } satisfies FileStreamRequest)
  await until(() => cancelled)
  assert.deepEqual(failures, [])
  port2.close()
})

test('the first pull after the metadata may name a byte range: the source reads only it; a bad range is a clear error, not a read', async () => {
  const asked: unknown[] = []
  const source = async (): Promise<FileStreamSource> => ({
    name: 'film.mp4',
    size: 10,
    type: 'video/mp4',
    read: (range) => { asked.push(range); return new Blob([new Uint8Array(range?.length ?? 10)]).stream() }
  })
  const open = async (): Promise<(request: FileStreamRequest) => Promise<FileStreamReply>> => {
    const { port1, port2 } = new MessageChannel()
    serveFileStream(port1, source)
    const pull = puller(port2)
    assert.equal((await pull({ kind: 'pull' })).kind, 'meta')
    return pull
  }
  let pull = await open()
  const part = await pull({ kind: 'pull', range: { offset: 7, length: 3 } })
  assert.deepEqual(part, { kind: 'chunk', bytes: new Uint8Array(3) })
  assert.deepEqual(asked, [{ offset: 7, length: 3 }])
  // Only at the start: a range midway would splice two reads into one response.
  const midway = await pull({ kind: 'pull', range: { offset: 0, length: 1 } })
  assert.equal(midway.kind === 'error' && midway.error.code, 'INVALID_ARGUMENT')

  for (const range of [{ offset: -1, length: 2 }, { offset: 8, length: 3 }, { offset: 0.5, length: 1 }, { offset: 10, length: 1 }, { offset: '1', length: 1 }, 'bytes=0-1']) {
    pull = await open()
    const refused = await pull({ kind: 'pull', range } as unknown as FileStreamRequest)
    assert.equal(refused.kind, 'error', JSON.stringify(range))
    assert.equal(refused.kind === 'error' && refused.error.code, 'INVALID_ARGUMENT')
    assert.match(refused.kind === 'error' ? refused.error.message : '', /range/)
  }
  assert.equal(asked.length, 1, 'no read started for a refused range')
})
