import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { signal } from '@preact/signals'
import type { NoticeHost } from '../../../web/lib/notice-host.ts'
import { LONG_WORK_MS, startToastWiring } from '../../../web/models/toast-wiring.ts'
import { createToastsModel } from '../../../web/models/toasts-model.ts'
import type { UploadItem, UploadState, UploadsModel } from '../../../web/models/uploads-model.ts'
import { createTestClient } from './fake-rpc.ts'

/** Just what the wiring reads of the upload queue: its items and whether it is busy. */
function fakeUploads () {
  const items = signal<UploadItem[]>([])
  const active = signal(false)
  const add = (id: string, state: UploadState): void => {
    items.value = [...items.value, { uploadId: id, path: id, bytesTotal: 1, state: signal(state), bytesDone: signal(1), rate: signal(0), error: signal(undefined) }]
  }
  return { model: { items, active } as unknown as UploadsModel, items, active, add }
}

function fakeHost (hidden: boolean, permission: NotificationPermission) {
  const shown: string[] = []
  const host: NoticeHost = { desktop: false, permission: () => permission, requestPermission: async () => permission, hidden: () => hidden, show: (n) => { shown.push(n.body) } }
  return { host, shown }
}

describe('toast wiring', () => {
  it('a batch of uploads gives one toast for the files added and one for the files that failed, once', () => {
    const toasts = createToastsModel({ setTimer: () => 0, clearTimer: () => {} })
    const uploads = fakeUploads()
    const { host, shown } = fakeHost(false, 'granted')
    const stop = startToastWiring({ toasts, uploads: uploads.model, client: createTestClient(), host })
    uploads.active.value = true
    for (let i = 0; i < 12; i++) uploads.add(`f${i}`, 'stored')
    uploads.add('bad', 'failed')
    uploads.active.value = false
    assert.deepEqual(toasts.shown.value.map(t => [t.tone, t.text]), [['done', '12 files added'], ['error', '1 file could not be added — see the upload list.']])
    // In view: no system notification.
    assert.deepEqual(shown, [])
    // The next batch counts only its own files; a single file gets no toast (the upload panel says it).
    toasts.reset()
    uploads.active.value = true
    uploads.add('one', 'stored')
    uploads.active.value = false
    assert.deepEqual(toasts.shown.value, [])
    stop()
  })

  it('long work that ends while the tab is hidden reaches the browser\'s notifications once allowed, and only then', () => {
    for (const [permission, took, expected] of [['granted', LONG_WORK_MS, ['2 files added to your vault.']], ['granted', LONG_WORK_MS - 1, []], ['default', LONG_WORK_MS, []]] as const) {
      const uploads = fakeUploads()
      const { host, shown } = fakeHost(true, permission)
      let clock = 1_000
      const stop = startToastWiring({ toasts: createToastsModel({ setTimer: () => 0, clearTimer: () => {} }), uploads: uploads.model, client: createTestClient(), host, now: () => clock })
      uploads.active.value = true
      uploads.add('a', 'stored')
      uploads.add('b', 'deduplicated')
      clock += took
      uploads.active.value = false
      assert.deepEqual(shown, expected)
      stop()
    }
  })

  it('a finished backup and a repaired file are toasts', () => {
    const toasts = createToastsModel({ setTimer: () => 0, clearTimer: () => {} })
    const client = createTestClient()
    const stop = startToastWiring({ toasts, uploads: fakeUploads().model, client, host: fakeHost(false, 'default').host })
    client.emit('notice', { kind: 'backup-done', title: 'Backup finished', body: '30 files are on your backup peer.', id: 'backup-done:1' })
    client.emit('storage.damage', { fileId: 'f', path: 'photos/cat.jpg', state: 'repaired' })
    client.emit('storage.damage', { fileId: 'g', path: 'old.txt', state: 'damaged' })
    assert.deepEqual(toasts.shown.value.map(t => t.text), ['Backup finished: 30 files are on your backup peer.', '“cat.jpg” was repaired from another copy.'])
    stop()
  })
})
