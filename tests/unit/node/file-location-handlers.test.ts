import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { createFileLocationHandlers } from '../../../core/node/file-location-handlers.ts'
import { dispatchCall, type HandlerMap } from '../../../core/rpc/handlers.ts'
import type { CallMessage } from '../../../core/rpc/messages.ts'
import { locationsRig, PASSPHRASE } from '../vault/locations-support.ts'
import type { Cleanups } from '../vault/share-test-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

async function call (handlers: Pick<HandlerMap, 'files.locations' | 'files.keepLocal' | 'files.freeUpSpace' | 'files.resolveConflict'>, method: string, args: unknown): Promise<{ ok: boolean, value?: unknown, code?: string }> {
  const result = await dispatchCall(handlers as HandlerMap, { kind: 'call', id: '1', method, args } as unknown as CallMessage)
  return result.ok ? { ok: true, value: result.value } : { ok: false, code: result.error.code }
}

describe('file location handlers', () => {
  it('the four files methods; a locked vault and bad arguments are refused by code', async () => {
    const rig = await locationsRig(cleanups)
    let changed = 0
    const handlers = createFileLocationHandlers({ vault: rig.vault, locations: rig.locations, onFilesChanged: () => { changed++ } })
    assert.equal((await call(handlers, 'files.locations', undefined)).code, 'VAULT_LOCKED')

    await rig.vault.create(PASSPHRASE)
    const file = await rig.add('a.txt', 100)
    assert.deepEqual((await call(handlers, 'files.locations', undefined)).value, { [file.fileId]: { local: 'all', peers: [], devices: [], keep: false } })
    assert.equal((await call(handlers, 'files.keepLocal', { folder: '', keep: true })).ok, true)
    assert.equal(((await call(handlers, 'files.locations', undefined)).value as Record<string, { keep: boolean }>)[file.fileId]?.keep, true)
    assert.equal((await call(handlers, 'files.keepLocal', { keep: true })).code, 'INVALID_ARGUMENT')
    assert.deepEqual((await call(handlers, 'files.freeUpSpace', undefined)).value, { files: 0, bytes: 0, skipped: 0 })
    assert.equal((await call(handlers, 'files.resolveConflict', { fileId: file.fileId, keep: 'mine' })).code, 'INVALID_ARGUMENT')
    assert.equal((await call(handlers, 'files.resolveConflict', { fileId: file.fileId, keep: 'both' })).code, 'NOT_A_CONFLICT')
    assert.equal(changed, 0)
  })
})
