import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { StorageCheckResult } from '../../../core/rpc/api.ts'
import { damagedBlockWords, verifySummary } from '../../../web/models/backup-model.ts'
import { createStorageHealthModel, damageWords } from '../../../web/models/storage-health-model.ts'
import { createTestClient, deferred, fail, settle } from './fake-rpc.ts'

test('a damaged or repaired file becomes one notice per file, naming it; dismiss and reset clear them', () => {
  const client = createTestClient()
  const model = createStorageHealthModel(client)
  const stop = model.start()
  client.emit('storage.damage', { fileId: 'f1', path: 'photos/cat.jpg', state: 'damaged' })
  client.emit('storage.damage', { fileId: 'f2', path: 'notes.txt', state: 'repaired' })
  client.emit('storage.damage', { fileId: 'f1', path: 'photos/cat.jpg', state: 'repaired' })
  assert.deepEqual(model.notices.value.map(n => [n.path, n.state]), [['notes.txt', 'repaired'], ['photos/cat.jpg', 'repaired']])
  assert.match(damageWords({ fileId: 'f1', path: 'photos/cat.jpg', state: 'damaged' }), /^“photos\/cat.jpg” is damaged on this device/)
  assert.match(damageWords({ fileId: 'f1', path: 'photos/cat.jpg', state: 'repaired' }), /has been repaired/)
  model.dismiss('f2')
  assert.deepEqual(model.notices.value.map(n => n.path), ['photos/cat.jpg'])
  model.reset()
  assert.deepEqual(model.notices.value, [])
  stop()
})

test('Check stored data shows progress while it runs, then the result; a failure in words', async () => {
  const answer = deferred<StorageCheckResult>()
  const client = createTestClient({ 'storage.check': async () => await answer.promise })
  const model = createStorageHealthModel(client)
  const stop = model.start()
  const running = model.check()
  assert.equal(model.checking.value, true)
  client.emit('storage.check.progress', { blocksChecked: 3, blocksTotal: 7, bytesChecked: 3000, bytesTotal: 7000, damaged: 1, elapsedMs: 10 })
  assert.equal(model.progress.value?.blocksChecked, 3)
  const result = { blocks: 7, bytes: 7000, elapsedMs: 20, damaged: [{ cid: 'bafk', files: ['a.txt'], repaired: true }] }
  answer.resolve(result)
  await running
  assert.equal(model.checking.value, false)
  assert.deepEqual(model.result.value, result)

  client.handlers['storage.check'] = async () => fail('STORAGE_FAILED')
  await model.check()
  assert.equal(model.result.value, undefined)
  assert.match(model.checkError.value ?? '', /./)
  stop()
  await settle()
})

test('Verify now: each bad block on the peer in words, naming the file', () => {
  assert.equal(verifySummary({ checked: 7, ok: 6, bad: ['b'], damaged: [{ cid: 'b', file: 'a.txt', repaired: true }] }), 'Checked 7 blocks: 1 bad, 1 repaired with a good copy from this device')
  assert.match(damagedBlockWords({ cid: 'b', file: 'a.txt', repaired: true }), /^“a.txt”: the peer’s copy was damaged; it now holds a good copy again/)
  assert.match(damagedBlockWords({ cid: 'b', repaired: false }), /^Your vault’s index .* is fetching a good copy/)
})
