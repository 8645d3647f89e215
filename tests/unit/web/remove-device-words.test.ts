import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { DeviceInfo } from '../../../core/rpc/api.ts'
import { messageForCode } from '../../../web/error-messages.ts'
import { createRemoveDeviceModel } from '../../../web/models/remove-device-model.ts'
import { createTestClient, fail } from './fake-rpc.ts'

const device = (name: string): DeviceInfo =>
  ({ peerId: `id-${name}`, name, platform: 'Linux', addedAt: 1, fingerprint: 'AB12 CD34', thisDevice: false, online: false })

test('remove and rotate says it is changing the keys while it runs, then what it did; a failure says why', async () => {
  let finish!: () => void
  const client = createTestClient({
    'devices.remove': async ({ peerId }) => {
      if (peerId === 'id-Broken') fail('PEER_UNREACHABLE')
      await new Promise<void>((resolve) => { finish = resolve })
    }
  })
  const model = createRemoveDeviceModel(client, () => {})
  model.start(device('Phone'))
  const running = model.confirm(true)
  assert.equal(model.busyWords.value, "Changing the vault's keys… keep this tab open")
  assert.equal(model.done.value, undefined)
  finish()
  await running
  assert.equal(model.busyWords.value, undefined)
  assert.equal(model.done.value, 'Removed. New files are under a new key it never had.')

  model.start(device('Broken'))
  assert.equal(model.done.value, undefined, 'a new removal clears the last one\'s words')
  await model.confirm(true)
  assert.equal(model.error.value, messageForCode('PEER_UNREACHABLE'))
  assert.equal(model.done.value, undefined)
  assert.equal(model.busyWords.value, undefined)
})
