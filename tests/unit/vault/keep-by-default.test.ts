import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { KeepRules } from '../../../core/vault/keep-rules.ts'

const key = new Uint8Array(32).fill(7)
const files = [{ fileId: 'a', path: 'docs/a.txt' }, { fileId: 'b', path: 'photos/b.jpg' }, { fileId: 'c', path: 'c.txt' }]

test('a device that keeps by default (the desktop) keeps every file until the user says otherwise, and the choice sticks', async () => {
  const datastore = new MemoryDatastore()
  const rules = new KeepRules(datastore, key, true)
  await rules.load()
  assert.deepEqual(files.map(f => rules.isKept(f)), [true, true, true], 'nothing chosen: everything kept')

  await rules.set({ folder: 'photos' }, false, files)
  await rules.set({ fileId: 'c' }, false, files)
  assert.deepEqual(files.map(f => rules.isKept(f)), [true, false, false])

  // Choosing "keep" again where the default already keeps stores no needless rule, and reads back the same.
  await rules.set({ folder: 'photos' }, true, files)
  const again = new KeepRules(datastore, key, true)
  await again.load()
  assert.deepEqual(files.map(f => again.isKept(f)), [true, true, false])
})

test('a browser device keeps nothing by default: only what the user chose', async () => {
  const rules = new KeepRules(new MemoryDatastore(), key)
  await rules.load()
  assert.deepEqual(files.map(f => rules.isKept(f)), [false, false, false])
  await rules.set({ folder: 'docs' }, true, files)
  assert.deepEqual(files.map(f => rules.isKept(f)), [true, false, false])
})
