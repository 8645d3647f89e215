import { test } from 'node:test'
import assert from 'node:assert/strict'
import { desktopDeviceName } from '../../../desktop/daemon/node-host.ts'

test('the desktop names itself after the computer, without its network domain', () => {
  assert.deepEqual(desktopDeviceName('janes-macbook.local', 'darwin'), { name: 'Desktop app on janes-macbook', platform: 'macOS' })
  assert.deepEqual(desktopDeviceName('office-pc.corp.example.com', 'win32'), { name: 'Desktop app on office-pc', platform: 'Windows' })
  assert.deepEqual(desktopDeviceName('studio', 'linux'), { name: 'Desktop app on studio', platform: 'Linux' })
})

test('a computer without a name is called by its system', () => {
  assert.deepEqual(desktopDeviceName('', 'linux'), { name: 'Desktop app on Linux', platform: 'Linux' })
  assert.deepEqual(desktopDeviceName('.local', 'freebsd'), { name: 'Desktop app on freebsd', platform: 'freebsd' })
})
