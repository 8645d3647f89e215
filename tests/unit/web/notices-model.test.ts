import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Notice, NoticeSettings } from '../../../core/rpc/api.ts'
import type { NoticeHost } from '../../../web/lib/notice-host.ts'
import { createNoticesModel } from '../../../web/models/notices-model.ts'
import { createTestClient } from './fake-rpc.ts'

const ALL_ON: NoticeSettings = { 'backup-done': true, 'sync-conflict': true, 'device-paired': true, 'storage-almost-full': true, 'peer-unreachable': true }
const paired: Notice = { kind: 'device-paired', title: 'Device paired', body: 'Paired with Laptop.', id: 'device-paired:x' }

function fakeHost (init: Partial<{ desktop: boolean, permission: NotificationPermission, hidden: boolean }> = {}) {
  const state = { permission: init.permission ?? 'default' as NotificationPermission, hidden: init.hidden ?? false, asked: 0 }
  const shown: Array<Pick<Notice, 'id' | 'title' | 'body'>> = []
  const host: NoticeHost = {
    desktop: init.desktop ?? false,
    permission: () => state.permission,
    requestPermission: async () => { state.asked++; state.permission = 'granted'; return 'granted' },
    hidden: () => state.hidden,
    show: (notice) => { shown.push(notice) }
  }
  return { host, state, shown }
}

describe('notices model', () => {
  it('shows a notice as a browser notification while the page is hidden and allowed, else in the page', () => {
    const client = createTestClient()
    const { host, state, shown } = fakeHost({ permission: 'granted', hidden: true })
    const model = createNoticesModel(client, host)
    const stop = model.start()
    client.emit('notice', paired)
    assert.deepEqual(shown, [paired])
    assert.deepEqual(model.shown.value, [])
    state.hidden = false
    client.emit('notice', { ...paired, id: 'device-paired:y' })
    assert.equal(shown.length, 1)
    assert.equal(model.shown.value.length, 1)
    model.dismiss('device-paired:y')
    assert.deepEqual(model.shown.value, [])
    stop()
  })

  it('keeps a notice in the page when the browser may not show it', () => {
    const client = createTestClient()
    const { host, shown } = fakeHost({ permission: 'denied', hidden: true })
    const model = createNoticesModel(client, host)
    model.start()
    client.emit('notice', paired)
    assert.deepEqual(shown, [])
    assert.deepEqual(model.shown.value, [paired])
  })

  it('shows nothing in the desktop app\'s window (its daemon does)', () => {
    const client = createTestClient()
    const { host, shown } = fakeHost({ desktop: true, permission: 'granted', hidden: true })
    const model = createNoticesModel(client, host)
    model.start()
    client.emit('notice', paired)
    assert.deepEqual(shown, [])
    assert.deepEqual(model.shown.value, [])
  })

  it('asks for permission only when told to, and saves one kind at a time', async () => {
    let stored = { ...ALL_ON }
    const client = createTestClient({
      'notices.settings': () => stored,
      'notices.setSettings': (change) => (stored = { ...stored, ...change })
    })
    const { host, state } = fakeHost()
    const model = createNoticesModel(client, host)
    await model.load()
    assert.equal(state.asked, 0)
    assert.equal(model.permission.value, 'default')
    await model.allow()
    assert.equal(model.permission.value, 'granted')
    await model.set('sync-conflict', false)
    assert.deepEqual(client.calls.at(-1), { method: 'notices.setSettings', args: { 'sync-conflict': false } })
    assert.equal(model.settings.value?.['sync-conflict'], false)
  })
})
