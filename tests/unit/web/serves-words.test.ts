import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { DeviceInfo } from '../../../core/rpc/api.ts'
import { servesText } from '../../../web/pages/backup/serves-words.ts'

const device = (peerId: string, name: string, thisDevice = false): DeviceInfo =>
  ({ peerId, name, platform: 'Linux', addedAt: 0, fingerprint: '0000 0000', thisDevice, online: false })

test('a backup peer\'s card names the devices it serves; ids the list lacks are "another device"', () => {
  const devices = [device('A', 'Laptop'), device('B', 'Phone')]
  assert.equal(servesText(['A', 'B'], devices), 'Serves: Laptop, Phone')
  assert.equal(servesText(['A', 'X'], devices), 'Serves: Laptop, another device')
  assert.equal(servesText(['X', 'Y'], devices), 'Serves: 2 other devices')
  assert.equal(servesText(['A'], [device('A', 'Laptop', true)]), 'Serves: Laptop (this device)')
  assert.equal(servesText([], devices), 'Serves: no device yet')
})
