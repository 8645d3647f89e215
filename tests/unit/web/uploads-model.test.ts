import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { AddFileArgs, AddFileResult } from '../../../core/rpc/api.ts'
import { createUploadsModel } from '../../../web/models/uploads-model.ts'
import { createTestClient, deferred, fail, settle } from './fake-rpc.ts'

const fileOf = (name: string, size: number): File => new File([new Uint8Array(size)], name, { type: 'application/octet-stream', lastModified: 1 })
const resultFor = (args: AddFileArgs, deduplicated = false): AddFileResult => ({
  file: { fileId: args.uploadId, path: args.path ?? args.file.name, size: args.file.size, mtime: 1, type: '', cid: 'c' },
  deduplicated
})

test('files go to the node one at a time, in order, with folder paths passed through', async () => {
  let inFlight = 0
  let maxInFlight = 0
  const order: string[] = []
  const gates = [deferred<void>(), deferred<void>(), deferred<void>()]
  const client = createTestClient({
    'files.add': async (args) => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      order.push(args.path ?? args.file.name)
      await gates[order.length - 1]?.promise
      inFlight--
      return resultFor(args)
    }
  })
  const uploads = createUploadsModel(client)
  uploads.add([{ file: fileOf('a.txt', 10) }, { file: fileOf('b.txt', 20), path: 'dir/b.txt' }, { file: fileOf('c.txt', 0) }])
  assert.equal(uploads.items.value.length, 3)
  assert.equal(uploads.items.value[1]?.path, 'dir/b.txt')
  await settle()
  assert.deepEqual(order, ['a.txt'])
  gates[0]?.resolve()
  await settle()
  assert.deepEqual(order, ['a.txt', 'dir/b.txt'])
  gates[1]?.resolve()
  gates[2]?.resolve()
  await uploads.idle()
  assert.equal(maxInFlight, 1)
  assert.deepEqual(uploads.items.value.map(i => i.state.value), ['stored', 'stored', 'stored'])
  // The explicit path goes only with folder uploads; a plain file lets the node use its name.
  const sent = client.calls.filter(c => c.method === 'files.add').map(c => (c.args as AddFileArgs).path)
  assert.deepEqual(sent, [undefined, 'dir/b.txt', undefined])
  assert.deepEqual(uploads.totals.value, { filesTotal: 3, filesDone: 3, filesFailed: 0, bytesTotal: 30, bytesDone: 30 })
})

test('progress events fill in bytes and a rate; dedup and failures are reported per file and the queue goes on', async () => {
  let clock = 0
  const gate = deferred<void>()
  const client = createTestClient({
    'files.add': async (args) => {
      if (args.file.name === 'big.bin') {
        await gate.promise
        return resultFor(args)
      }
      if (args.file.name === 'full.bin') fail('QUOTA_EXCEEDED')
      return resultFor(args, true)
    }
  })
  const uploads = createUploadsModel(client, { now: () => clock })
  const stop = uploads.start()
  uploads.add([{ file: fileOf('big.bin', 4_000_000) }, { file: fileOf('full.bin', 5) }, { file: fileOf('dup.bin', 7) }])
  await settle()
  const big = uploads.items.value[0]
  assert.ok(big !== undefined)
  assert.equal(big.state.value, 'uploading')
  clock = 2000
  client.emit('upload.progress', { uploadId: big.uploadId, bytesDone: 1_000_000, bytesTotal: 4_000_000, phase: 'encrypting' })
  assert.equal(big.bytesDone.value, 1_000_000)
  assert.equal(big.rate.value, 500_000)
  assert.equal(uploads.totals.value.bytesDone, 1_000_000)
  // Events for unknown uploads are ignored.
  client.emit('upload.progress', { uploadId: 'other', bytesDone: 5, bytesTotal: 5, phase: 'encrypting' })
  gate.resolve()
  await uploads.idle()
  assert.deepEqual(uploads.items.value.map(i => i.state.value), ['stored', 'failed', 'deduplicated'])
  assert.match(uploads.items.value[1]?.error.value ?? '', /full/)
  assert.equal(uploads.totals.value.filesFailed, 1)
  assert.equal(uploads.active.value, false)
  stop()
})

test('a lock pauses the queue and puts the interrupted file back; resume carries on', async () => {
  let locked = false
  const client = createTestClient({
    'files.add': async (args) => {
      if (locked) fail('VAULT_LOCKED')
      return resultFor(args)
    }
  })
  const uploads = createUploadsModel(client)
  locked = true
  uploads.add([{ file: fileOf('a', 1) }, { file: fileOf('b', 1) }])
  await uploads.idle()
  assert.equal(uploads.paused.value, true)
  assert.deepEqual(uploads.items.value.map(i => i.state.value), ['queued', 'queued'])
  locked = false
  uploads.resume()
  await uploads.idle()
  assert.deepEqual(uploads.items.value.map(i => i.state.value), ['stored', 'stored'])
})

test('a new batch after the last one finished replaces the finished list', async () => {
  const client = createTestClient({ 'files.add': async (args) => resultFor(args) })
  const uploads = createUploadsModel(client)
  uploads.add([{ file: fileOf('a', 1) }, { file: fileOf('b', 1) }])
  await uploads.idle()
  uploads.add([{ file: fileOf('c', 1) }])
  assert.deepEqual(uploads.items.value.map(i => i.path), ['c'])
  await uploads.idle()
  uploads.clearFinished()
  assert.equal(uploads.items.value.length, 0)
})

test('resuming an empty queue does not wedge it: files added later still go', async () => {
  const client = createTestClient({ 'files.add': async (args) => resultFor(args) })
  const uploads = createUploadsModel(client)
  uploads.resume()
  await uploads.idle()
  uploads.add([{ file: fileOf('late', 1) }])
  await uploads.idle()
  assert.equal(uploads.items.value[0]?.state.value, 'stored')
})

test('files added in the same synchronous step as resume() are uploaded (the run that just found nothing is not reused)', async () => {
  const client = createTestClient({ 'files.add': async (args) => resultFor(args) })
  const uploads = createUploadsModel(client)
  uploads.pause()
  // Unlocking resumes the empty queue and, in the same signal flush, someone adds files.
  uploads.resume()
  uploads.add([{ file: fileOf('a', 1) }, { file: fileOf('b', 1) }])
  await uploads.idle()
  assert.deepEqual(uploads.items.value.map(i => i.state.value), ['stored', 'stored'])
  assert.equal(client.calls.filter(c => c.method === 'files.add').length, 2)
})

test('files added at any moment while the last file settles are uploaded', async () => {
  // Step through every microtask between the last file settling and the run ending, adding one more file at each.
  for (let ticks = 0; ticks <= 8; ticks++) {
    const gate = deferred<void>()
    const client = createTestClient({
      'files.add': async (args) => {
        if (args.file.name === 'first') await gate.promise
        return resultFor(args)
      }
    })
    const uploads = createUploadsModel(client)
    uploads.add([{ file: fileOf('first', 1) }])
    await settle()
    const idle = uploads.idle()
    gate.resolve()
    for (let i = 0; i < ticks; i++) await Promise.resolve()
    uploads.add([{ file: fileOf('second', 1) }])
    await idle
    await uploads.idle()
    const states = uploads.items.value.map(i => `${i.path}:${i.state.value}`)
    assert.deepEqual(states.filter(s => s.startsWith('second')), ['second:stored'], `added after ${ticks} microtasks`)
  }
})
