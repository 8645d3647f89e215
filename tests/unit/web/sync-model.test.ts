import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { SyncFolderInfo } from '../../../core/rpc/api.ts'
import { createSyncModel } from '../../../web/models/sync-model.ts'
import { changeWords } from '../../../web/pages/sync/folder-card.tsx'
import { createTestClient } from './fake-rpc.ts'

function folder (state: SyncFolderInfo['state'], filesToGo = 0): SyncFolderInfo {
  return { id: 'f1', label: 'Documents', location: { kind: 'path', path: '/home/me/Documents' }, mode: 'backup', vaultFolder: 'Documents', rescanSeconds: 60, state, progress: { filesToGo, bytesToGo: 0, filesDone: 0, bytesDone: 0, rate: 0 }, files: 3, skipped: [], renamedForDisk: [] }
}

describe('the Sync page model', () => {
  it('offers a path on the desktop, the picker where there is one, else only a one-shot upload', () => {
    const client = createTestClient()
    assert.equal(createSyncModel({ client, desktop: true, picker: async () => { throw new Error('unused') } }).capability, 'path')
    assert.equal(createSyncModel({ client, desktop: false, picker: async () => { throw new Error('unused') } }).capability, 'picker')
    assert.equal(createSyncModel({ client, desktop: false }).capability, 'upload-only')
  })

  it('puts "in step" in the page title when every folder is, and what is left when not', async () => {
    let list = [folder('syncing', 12)]
    const client = createTestClient({ 'sync.listFolders': () => list })
    const titles: string[] = []
    const model = createSyncModel({ client, desktop: true, setTitle: (t) => { titles.push(t) } })
    const stop = model.start()
    await model.refresh()
    assert.equal(titles.at(-1), 'Cairn · syncing 12 files')
    list = [folder('in-step')]
    client.emit('sync.changed', undefined)
    await model.refresh()
    assert.equal(titles.at(-1), 'Cairn · folders in step')
    assert.equal(model.inStep.value, true)
    stop()
    assert.equal(titles.at(-1), 'Cairn')
  })

  it('adds a folder by path and shows the node\'s refusal in words', async () => {
    const client = createTestClient({
      'sync.addFolder': () => { throw Object.assign(new Error('x'), { code: 'SYNC_FOLDER_UNAVAILABLE' }) },
      'sync.listFolders': () => []
    })
    const model = createSyncModel({ client, desktop: true, setTitle: () => {} })
    assert.equal(await model.addPath('/nowhere', 'backup', ' Docs '), false)
    assert.deepEqual(client.calls[0], { method: 'sync.addFolder', args: { location: { kind: 'path', path: '/nowhere' }, mode: 'backup', vaultFolder: 'Docs' } })
    assert.match(model.error.value ?? '', /cannot reach that folder/)
  })

  it('says what the last round of changes did', () => {
    assert.equal(changeWords({ uploaded: 4, deleted: 2, moved: 1, written: 0, trashed: 0, conflicts: 0 }), '4 added or changed, 2 deleted, 1 moved')
    assert.equal(changeWords({ uploaded: 0, deleted: 0, moved: 0, written: 0, trashed: 0, conflicts: 0 }), 'None')
  })
})
