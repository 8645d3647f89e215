import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { signal } from '@preact/signals'
import type { FileInfo, RestoreProgress } from '../../../core/rpc/api.ts'
import { createSyncRestoreModel } from '../../../web/models/sync-restore-model.ts'
import { createTestClient, fail } from './fake-rpc.ts'

const files = signal([{ path: 'Photos/2024/cat.jpg' }, { path: 'Notes/a.txt' }] as FileInfo[])
const folders = signal(['Empty one'])

describe('the Sync page\'s "Restore a folder…"', () => {
  it('offers every vault folder and the whole vault; no restore where there is neither a path nor a picker', () => {
    const client = createTestClient()
    const model = createSyncRestoreModel({ client, desktop: true, files, folders })
    assert.deepEqual(model.vaultFolders.value, ['', 'Empty one', 'Notes', 'Photos', 'Photos/2024'])
    assert.equal(model.capability, 'path')
    assert.equal(createSyncRestoreModel({ client, desktop: false, files, folders }).capability, 'upload-only')
  })

  it('restores into a typed path, showing each progress event, then what it wrote', async () => {
    const seen: Array<RestoreProgress | undefined> = []
    let finish: (() => void) | undefined
    const client = createTestClient({
      'sync.restore': async () => {
        client.emit('sync.restore.progress', { filesDone: 0, filesTotal: 2, bytesDone: 0, bytesTotal: 30 })
        seen.push(model.progress.value)
        client.emit('sync.restore.progress', { filesDone: 1, filesTotal: 2, bytesDone: 10, bytesTotal: 30 })
        seen.push(model.progress.value)
        await new Promise<void>((resolve) => { finish = resolve })
        return { files: 2, bytes: 30, failed: [] }
      }
    })
    const model = createSyncRestoreModel({ client, desktop: true, files, folders })
    model.open()
    model.setVaultFolder('Photos')
    model.setPath('  /home/me/Restored ')
    const running = model.restore()
    await new Promise(resolve => setImmediate(resolve))
    assert.equal(model.stage.value, 'running')
    finish?.()
    await running
    assert.deepEqual(client.calls.at(-1), { method: 'sync.restore', args: { location: { kind: 'path', path: '/home/me/Restored' }, vaultFolder: 'Photos' } })
    assert.deepEqual(seen.map(p => p?.filesDone), [0, 1])
    assert.equal(model.stage.value, 'done')
    assert.deepEqual(model.outcome.value, { files: 2, bytes: 30, failed: [], vaultFolder: 'Photos', target: '/home/me/Restored' })
    assert.equal(model.progress.value, undefined)
  })

  it('says in words that a folder is not empty and stays open to choose another', async () => {
    const client = createTestClient({ 'sync.restore': () => fail('FOLDER_NOT_EMPTY') })
    const model = createSyncRestoreModel({ client, desktop: true, files, folders })
    model.open()
    model.setPath('/home/me/Full')
    await model.restore()
    assert.equal(model.stage.value, 'choosing')
    assert.match(model.error.value ?? '', /not empty, so nothing was written/)
    model.reset()
    assert.equal(model.stage.value, 'closed')
    assert.equal(model.error.value, undefined)
  })

  it('does nothing when the picker is closed', async () => {
    const client = createTestClient()
    const model = createSyncRestoreModel({ client, desktop: false, picker: async () => { throw new DOMException('closed', 'AbortError') }, files, folders })
    assert.equal(model.capability, 'picker')
    model.open()
    await model.restore()
    assert.deepEqual(client.calls, [])
    assert.equal(model.stage.value, 'choosing')
    assert.equal(model.error.value, undefined)
  })
})
