import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { changedItems, trayMenu } from '../../../desktop/tray/tray-menu.ts'
import type { TrayStatus } from '../../../desktop/tray/tray-types.ts'

const idle: TrayStatus = { icon: 'normal', line: 'All backed up', paused: false, startAtLogin: true }

describe('tray menu', () => {
  it('lists Open Cairn, the status line (disabled), the folders line (hidden with no folder), the two checkboxes, a separator and Quit', () => {
    const menu = trayMenu(idle, 'darwin')
    assert.deepEqual(menu.items.map(item => [item.id, item.title, item.enabled, item.checked, item.hidden]), [
      ['open', 'Open Cairn', true, false, false],
      ['status', 'All backed up', false, false, false],
      ['folders', '', false, false, true],
      ['pause', 'Pause syncing', true, false, false],
      ['start-at-login', 'Start at login', true, true, false],
      ['separator', '', true, false, false],
      ['quit', 'Quit', true, false, false]
    ])
    assert.equal(menu.icon, 'normal')
    assert.equal(menu.tooltip, 'Cairn: All backed up')
  })

  it('draws the boxes in the titles on Linux, where the tray program shows no ticks', () => {
    const titles = trayMenu({ ...idle, paused: true, startAtLogin: false }, 'linux').items.map(item => item.title)
    assert.deepEqual(titles.slice(3, 5), ['☑ Pause syncing', '☐ Start at login'])
  })

  it('shows the busy and error icons and the line it is given', () => {
    assert.equal(trayMenu({ ...idle, icon: 'busy', line: 'Backing up 3 files' }).icon, 'busy')
    const offline = trayMenu({ ...idle, icon: 'error', line: 'Offline' })
    assert.equal(offline.icon, 'error')
    assert.equal(offline.items[1]?.title, 'Offline')
    assert.equal(trayMenu({ ...idle, line: '  ' }).tooltip, 'Cairn')
  })

  it('an update sends only the entries that changed', () => {
    const before = trayMenu(idle, 'linux')
    assert.deepEqual(changedItems(before, trayMenu(idle, 'linux')), [])
    const after = trayMenu({ ...idle, line: 'Locked', paused: true }, 'linux')
    assert.deepEqual(changedItems(before, after).map(item => item.id), ['status', 'pause'])
  })

  it('shows the folders line (disabled) once a folder is synced, and hides it again', () => {
    const before = trayMenu(idle, 'linux')
    const synced = trayMenu({ ...idle, folders: 'Folders in step' }, 'linux')
    assert.deepEqual(synced.items[2], { id: 'folders', title: 'Folders in step', enabled: false, checked: false, hidden: false })
    assert.equal(synced.tooltip, 'Cairn: All backed up · Folders in step')
    assert.deepEqual(changedItems(before, synced).map(item => item.id), ['folders'])
    const gone = trayMenu(idle, 'linux')
    assert.deepEqual(changedItems(synced, gone).map(item => [item.id, item.hidden]), [['folders', true]])
  })
})
