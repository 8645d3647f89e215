import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CairnError, FileNotFoundError, fromErrorPayload, InvalidArgumentError, PathExistsError, toErrorPayload, VaultLockedError } from '../../../core/errors.ts'

/** What postMessage does to a payload: a structured clone. */
const acrossPostMessage = <T>(value: T): T => structuredClone(value)

describe('errors crossing postMessage', () => {
  it('a file error keeps its code, message and fileId, and comes back as its class', () => {
    const payload = acrossPostMessage(toErrorPayload(new FileNotFoundError('That file is not in the vault', { fileId: 'f-1' })))
    assert.deepEqual(payload, { code: 'FILE_NOT_FOUND', message: 'That file is not in the vault', fileId: 'f-1' })
    const back = fromErrorPayload(payload)
    assert.ok(back instanceof FileNotFoundError)
    assert.deepEqual([back.code, back.message, back.fileId], ['FILE_NOT_FOUND', 'That file is not in the vault', 'f-1'])
  })

  it('any Cairn error that names a file keeps it (a damaged read, a taken path)', () => {
    for (const err of [new CairnError('CHUNK_TAMPERED', 'chunk 2 failed authentication', { fileId: 'f-2' }), new PathExistsError('another file already has that name', { fileId: 'f-3' })]) {
      const back = fromErrorPayload(acrossPostMessage(toErrorPayload(err)))
      assert.deepEqual([back.code, back.message, back.fileId], [err.code, err.message, err.fileId])
    }
  })

  it('an error about no file carries no fileId field', () => {
    const payload = toErrorPayload(new VaultLockedError())
    assert.deepEqual(payload, { code: 'VAULT_LOCKED', message: 'The vault is locked' })
    const back = fromErrorPayload(payload)
    assert.ok(back instanceof VaultLockedError)
    assert.equal(back.fileId, undefined)
  })

  it('INVALID_ARGUMENT is its own code, not INTERNAL', () => {
    const back = fromErrorPayload(acrossPostMessage(toErrorPayload(new InvalidArgumentError('index key must be 32 bytes'))))
    assert.ok(back instanceof InvalidArgumentError)
    assert.equal(back.code, 'INVALID_ARGUMENT')
  })
})
