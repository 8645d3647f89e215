import assert from 'node:assert/strict'
import { test } from 'node:test'
import { signal } from '@preact/signals'
import jsQR from 'jsqr'
import type { DeviceInfo, FileInfo, FileLocation } from '../../../core/rpc/api.ts'
import { conflictName } from '../../../core/index/conflict-name.ts'
import { qrMatrix, QUIET_ZONE } from '../../../web/components/qr-code.tsx'
import { messageForCode } from '../../../web/error-messages.ts'
import { decodePixels, type JsQr } from '../../../web/lib/qr-frames.ts'
import { conflictOriginal, createConflictModel, isConflict } from '../../../web/models/conflict-model.ts'
import { createDevicesModel } from '../../../web/models/devices-model.ts'
import { createFileLocationsModel, freedWords, locationLabels } from '../../../web/models/file-locations-model.ts'
import { createRemoveDeviceModel } from '../../../web/models/remove-device-model.ts'
import { parsePage } from '../../../web/models/route-model.ts'
import { safetyGroups } from '../../../web/models/pairing-words.ts'
import { createTestClient, fail, manualTimers, settle } from './fake-rpc.ts'

const device = (name: string, extra: Partial<DeviceInfo> = {}): DeviceInfo =>
  ({ peerId: `id-${name}`, name, platform: 'Linux', addedAt: 1, fingerprint: 'AB12 CD34', thisDevice: false, online: false, ...extra })

test('the devices list puts this device first, refreshes on devices.changed, and renames inline', async () => {
  let list = [device('Phone', { lastSeen: 5 }), device('Laptop', { thisDevice: true })]
  const client = createTestClient({
    'devices.list': async () => list,
    'devices.rename': async ({ peerId, name }) => {
      if (name === 'bad') fail('INTERNAL')
      const renamed = { ...(list.find(d => d.peerId === peerId) ?? device('?')), name }
      list = list.map(d => d.peerId === peerId ? renamed : d)
      return renamed
    }
  })
  const timers = manualTimers()
  const model = createDevicesModel({ client, timers, now: () => 42 })
  const stop = model.open()
  await settle()
  assert.deepEqual(model.devices.value.map(d => d.name), ['Laptop', 'Phone'])
  list = [...list, device('Tablet')]
  client.emit('devices.changed', undefined)
  await settle()
  assert.equal(model.devices.value.length, 3)
  const phone = model.devices.value[1]
  assert.ok(phone !== undefined)
  model.startRename(phone)
  assert.equal(model.editValue.value, 'Phone')
  model.setEditValue('bad')
  await model.saveRename()
  assert.equal(model.renameError.value, messageForCode('INTERNAL'))
  assert.equal(model.editing.value, phone.peerId, 'the field stays open to fix')
  model.setEditValue('  My phone ')
  await model.saveRename()
  assert.equal(model.editing.value, undefined)
  assert.equal(model.devices.value[1]?.name, 'My phone')
  stop()
  assert.equal(timers.active(), 0)
})

test('remove device: with or without rotation, then the list refreshes; errors stay in the dialog', async () => {
  const removed: unknown[] = []
  const client = createTestClient({
    'devices.remove': async (args) => { if (args.peerId === 'id-Broken') fail('PEER_UNREACHABLE'); removed.push(args) }
  })
  let refreshed = 0
  const model = createRemoveDeviceModel(client, () => { refreshed++ })
  model.start(device('Phone'))
  await model.confirm(true)
  assert.deepEqual(removed, [{ peerId: 'id-Phone', rotate: true }])
  assert.equal(model.removing.value, undefined)
  assert.equal(refreshed, 1)
  model.start(device('Broken'))
  await model.confirm(false)
  assert.equal(model.error.value, messageForCode('PEER_UNREACHABLE'))
  assert.equal(model.removing.peek()?.name, 'Broken')
})

test('where a file lives, in the row\'s words', () => {
  const at = (extra: Partial<FileLocation>): FileLocation => ({ local: 'none', peers: [], devices: [], keep: false, ...extra })
  assert.deepEqual(locationLabels(at({ local: 'all', peers: ['peer'], devices: ['Laptop'] })), ['On this device', 'On the backup peer', 'On Laptop'])
  assert.deepEqual(locationLabels(at({ local: 'some', peers: ['a', 'b'] })), ['Partly on this device', 'On 2 backup peers'])
  assert.deepEqual(locationLabels(at({ devices: ['Phone', 'Laptop'] })), ['On Phone', 'On Laptop'])
})

test('free up space reports what it freed and what it kept', async () => {
  assert.equal(freedWords({ files: 3, bytes: 12_000_000, skipped: 1 }), 'Freed 12.0 MB from 3 files; 1 kept (no copy elsewhere yet)')
  assert.equal(freedWords({ files: 1, bytes: 900, skipped: 0 }), 'Freed 900 bytes from 1 file')
  assert.equal(freedWords({ files: 0, bytes: 0, skipped: 2 }), 'Freed nothing; 2 kept (no copy elsewhere yet)')
  assert.equal(freedWords({ files: 0, bytes: 0, skipped: 0, unproven: 2 }), 'Freed nothing; 2 kept (the backup peer or device that said it holds them could not send them back)')
  let locations: Record<string, FileLocation> = { f1: { local: 'all', peers: ['p'], devices: [], keep: false } }
  const client = createTestClient({
    'files.locations': async () => locations,
    'files.freeUpSpace': async () => {
      locations = { f1: { local: 'none', peers: ['p'], devices: [], keep: false } }
      return { files: 1, bytes: 2_500_000, skipped: 0 }
    },
    'files.keepLocal': async () => {
      locations = { f1: { local: 'all', peers: ['p'], devices: [], keep: true, keptFolder: 'photos' } }
    }
  })
  const model = createFileLocationsModel(client)
  const stop = model.start()
  await model.refresh()
  assert.equal(model.locations.value.f1?.local, 'all')
  await model.freeUpSpace()
  assert.equal(model.freed.value, 'Freed 2.50 MB from 1 file')
  assert.equal(model.locations.value.f1?.local, 'none', 'the rows show the new places')
  await model.keep({ folder: 'photos' }, true)
  assert.deepEqual(client.calls.find(c => c.method === 'files.keepLocal')?.args, { folder: 'photos', keep: true })
  assert.equal(model.keptFolders.value.has('photos'), true)
  locations = {}
  client.emit('files.locations.changed', undefined)
  await settle()
  assert.deepEqual(model.locations.value, {})
  stop()
})

test('without files.locations (an older node) the rows keep their plain badges and no error shows', async () => {
  const model = createFileLocationsModel(createTestClient({}))
  await model.refresh()
  assert.deepEqual(model.locations.value, {})
  assert.equal(model.freeError.value, undefined)
})

test('conflict copies: flagged by the node or named so; resolve finds the other version and sends the choice', async () => {
  const plain: FileInfo = { fileId: 'a', path: 'notes/todo.txt', size: 1, mtime: 1, type: '', cid: 'c' }
  const named = conflictName('notes/todo.txt', 'Laptop', Date.UTC(2026, 2, 12))
  assert.equal(named, 'notes/todo (conflict, Laptop, 2026-03-12).txt')
  const copy: FileInfo = { ...plain, fileId: 'b', path: named }
  assert.equal(isConflict(plain), false)
  assert.equal(isConflict(copy), true, 'detected from its name')
  assert.equal(isConflict({ ...copy, conflict: false }), false, 'the node\'s flag wins')
  assert.equal(conflictOriginal(copy), 'notes/todo.txt')
  assert.equal(conflictOriginal({ ...plain, path: 'a (conflict, X, 2026-01-02, 2)' }), 'a')
  assert.equal(conflictOriginal({ ...copy, conflict: true, conflictOf: 'elsewhere.txt' }), 'elsewhere.txt')
  const client = createTestClient({ 'files.resolveConflict': async () => undefined })
  const model = createConflictModel(client, signal([plain, copy]))
  model.open(copy)
  assert.equal(model.other.value?.fileId, 'a')
  await model.choose('both')
  assert.deepEqual(client.calls.map(c => c.args), [{ fileId: 'b', keep: 'both' }])
  assert.equal(model.resolving.value, undefined)
})

test('the fallback QR decoder (jsQR) reads the offer link from pixels of a drawn QR code', () => {
  const link = 'http://127.0.0.1:5173/#/join?offer=eyJwIjoiMTJEM0tvb1dBYmMiLCJzIjoiWFlaIn0'
  const matrix = qrMatrix(link)
  const scale = 4
  const side = (matrix.size + 2 * QUIET_ZONE) * scale
  const rgba = new Uint8ClampedArray(side * side * 4).fill(255)
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const row = Math.floor(y / scale) - QUIET_ZONE
      const col = Math.floor(x / scale) - QUIET_ZONE
      const dark = row >= 0 && col >= 0 && row < matrix.size && col < matrix.size && matrix.dark[row * matrix.size + col] === 1
      if (dark) rgba.fill(0, (y * side + x) * 4, (y * side + x) * 4 + 3)
    }
  }
  assert.equal(decodePixels(jsQR as JsQr, rgba, side, side), link)
  assert.equal(decodePixels(jsQR as JsQr, new Uint8ClampedArray(side * side * 4).fill(255), side, side), undefined)
})

test('#/devices is a page; safety numbers read in groups', () => {
  assert.equal(parsePage('#/devices'), 'devices')
  assert.equal(parsePage('#/join?offer=x'), undefined)
  assert.deepEqual(safetyGroups('12345 67890 13579'), ['12345', '67890', '13579'])
  assert.deepEqual(safetyGroups('123456789012'), ['12345', '67890', '12'])
})
