import assert from 'node:assert/strict'
import { test } from 'node:test'
import { signal } from '@preact/signals'
import type { VaultStatus } from '../../../core/rpc/api.ts'
import { createUnlockModel } from '../../../web/models/unlock-model.ts'
import { createTestClient } from './fake-rpc.ts'

test('the locked screen says the keys were changed on another device, and only then', () => {
  const status = signal<VaultStatus | undefined>({ state: 'locked', autoLockMinutes: 15 })
  const unlock = createUnlockModel({ client: createTestClient({}), onOpened: () => {}, status })
  // Locked by hand or by the timer: nothing to explain.
  assert.equal(unlock.notice.value, undefined)
  status.value = { state: 'locked', autoLockMinutes: 15, keysChanged: true }
  assert.equal(unlock.notice.value, "Your vault's keys were changed on another device. Unlock to take the new key.")
  // The node clears it at unlock.
  status.value = { state: 'unlocked', autoLockMinutes: 15 }
  assert.equal(unlock.notice.value, undefined)
})
