// "Save to my vault" never changes what the recipient's vault holds: a shared
// file or folder goes beside whatever has its name, however the link spells it,
// and the node keeps to that even when the page's choice is stale or hostile.
import assert from 'node:assert/strict'
import { afterEach, it } from 'node:test'
import { createNodeHandlers } from '../../../core/node/node-handlers.ts'
import { createFolderHandlers } from '../../../core/node/folder-handlers.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import type { CairnHelia } from '../../../core/node/create-node.ts'
import type { VaultService } from '../../../core/vault/vault-service.ts'
import { createSaveToVaultModel } from '../../../web/share/save-to-vault-model.ts'
import type { SharedItem } from '../../../web/share/received-paths.ts'
import { createTestClient, type Handlers, type TestClient } from '../web/fake-rpc.ts'
import { type Cleanups, readAll, rejectsWith, startVault } from '../vault/share-test-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

const enc = new TextEncoder()
const dec = new TextDecoder()
const streamOf = (bytes: Uint8Array<ArrayBuffer>): ReadableStream<Uint8Array> => new Response(bytes).body as ReadableStream<Uint8Array>

/**
 * A recipient's vault holding `existing` (path → content), and its node's
 * handlers; the service worker serves `served` (source URL → content).
 */
async function recipient (existing: Record<string, string>, served: Record<string, string>): Promise<{ vault: VaultService, client: TestClient }> {
  const { vault } = await startVault(cleanups)
  for (const [path, text] of Object.entries(existing)) await vault.files().add({ file: new Blob([enc.encode(text)]), path, mtime: 1, type: '' })
  const logs = new LogBuffer()
  const handlers = {
    ...createNodeHandlers({
      vault,
      helia: {} as unknown as CairnHelia,
      logs,
      storedBytes: async () => 0,
      onUploadProgress: () => {},
      onFilesChanged: () => {},
      log: logs.for('files'),
      openShared: async (source) => {
        const text = served[source]
        if (text === undefined) throw new Error(`nothing served at ${source}`)
        return streamOf(enc.encode(text))
      }
    }),
    ...createFolderHandlers({ vault, onFilesChanged: () => {} })
  }
  return { vault, client: createTestClient(handlers as unknown as Handlers) }
}

/** Saves `item` as the share page does; returns the model. */
async function saveFromPage (client: TestClient, item: SharedItem): Promise<ReturnType<typeof createSaveToVaultModel>> {
  const save = createSaveToVaultModel({ hasCairn: async () => true, connect: () => client, openCairn: () => {}, shared: () => item })
  await save.save()
  return save
}

/** Every live file of the vault as path → content, to compare before and after. */
async function contents (vault: VaultService): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const file of vault.files().list()) out[file.path] = dec.decode(await readAll(vault.files().open(file.fileId).stream))
  return out
}

const file = (name: string, source: string, size: number): SharedItem => ({ kind: 'file', name, file: { source, size, type: 'application/pdf' } })

it('a shared file whose name is spelt in NFD never replaces the recipient\'s file of that name: it is saved beside it', async () => {
  // The recipient already saved "Shared with me/Résumé.pdf" (vault paths are NFC) from someone else.
  const { vault, client } = await recipient({ 'Shared with me/Résumé.pdf': 'my own resume' }, { '/download/share/tok': 'attacker content!!' })
  const mine = vault.files().list()[0]
  assert.ok(mine !== undefined)
  const hostileName = 'Résumé.pdf'.normalize('NFD')
  assert.notEqual(hostileName, 'Résumé.pdf')

  const save = await saveFromPage(client, file(hostileName, '/download/share/tok', 18))

  assert.equal(save.state.value, 'saved')
  const asked = client.calls.filter(c => c.method === 'files.addShared').map(c => (c.args as { path: string }).path)
  assert.deepEqual(asked, ['Shared with me/Résumé (2).pdf'], 'the page asks for the name the vault will show (NFC, free)')
  assert.deepEqual(await contents(vault), {
    'Shared with me/Résumé.pdf': 'my own resume',
    'Shared with me/Résumé (2).pdf': 'attacker content!!'
  })
  assert.deepEqual(vault.history().versions(mine.fileId), [], 'the recipient\'s file did not get a new version either')
})

it('the node never replaces a file, whatever path the page asks for (a stale or hostile page, a file synced in meanwhile)', async () => {
  const { vault, client } = await recipient(
    { 'Shared with me/report.pdf': 'mine', 'Shared with me/Résumé.pdf': 'my resume', 'notes.txt': 'same bytes' },
    { '/download/share/a': 'theirs', '/download/share/b': 'their resume', '/download/share/c': 'same bytes' }
  )
  const ask = async (source: string, path: string, size: number): Promise<string> => {
    const result = await client.call('files.addShared', { uploadId: source, source, path, size, type: '' })
    assert.equal(result.replaced, false)
    return result.file.path
  }
  // The page chose a name that a file now has (it listed the vault before the file arrived).
  assert.equal(await ask('/download/share/a', 'Shared with me/report.pdf', 6), 'Shared with me/report (2).pdf')
  // The page did not normalise the name.
  assert.equal(await ask('/download/share/b', 'Shared with me/Résumé.pdf'.normalize('NFD'), 12), 'Shared with me/Résumé (2).pdf')
  // Content the vault already holds gets a new name beside, not over, the file at that path.
  assert.equal(await ask('/download/share/c', 'Shared with me/report.pdf', 10), 'Shared with me/report (3).pdf')

  assert.deepEqual(await contents(vault), {
    'notes.txt': 'same bytes',
    'Shared with me/report.pdf': 'mine',
    'Shared with me/report (2).pdf': 'theirs',
    'Shared with me/report (3).pdf': 'same bytes',
    'Shared with me/Résumé.pdf': 'my resume',
    'Shared with me/Résumé (2).pdf': 'their resume'
  })
})

it('a shared folder saves beside a file that has the folder\'s name', async () => {
  // The recipient once saved a single shared file named "Holiday"; now someone shares a folder "Holiday".
  const { vault, client } = await recipient({ 'Shared with me/Holiday': 'mine' }, { '/download/share/tok/0': 'aaa', '/download/share/tok/1': 'bbb' })
  const save = await saveFromPage(client, {
    kind: 'folder',
    name: 'Holiday',
    files: [{ source: '/download/share/tok/0', path: 'a.txt', size: 3, type: '' }, { source: '/download/share/tok/1', path: 'day 2/b.txt', size: 3, type: '' }]
  })
  assert.equal(save.error.value, undefined)
  assert.equal(save.state.value, 'saved')
  assert.deepEqual(await contents(vault), {
    'Shared with me/Holiday': 'mine',
    'Shared with me/Holiday (2)/a.txt': 'aaa',
    'Shared with me/Holiday (2)/day 2/b.txt': 'bbb'
  })
})

it('a shared file saves beside a folder that has the file\'s name, an empty one too', async () => {
  // The recipient once saved a shared folder "Notes" and made an empty folder "Drafts"; now someone shares files with those names.
  const { vault, client } = await recipient({ 'Shared with me/Notes/old.txt': 'mine' }, { '/download/share/tok': 'bbb' })
  await client.call('folders.create', { path: 'Shared with me/Drafts' })

  const notes = await saveFromPage(client, file('Notes', '/download/share/tok', 3))
  assert.equal(notes.error.value, undefined)
  assert.equal(notes.state.value, 'saved')
  const drafts = await saveFromPage(client, { kind: 'folder', name: 'Drafts', files: [{ source: '/download/share/tok', path: 'x.txt', size: 3, type: '' }] })
  assert.equal(drafts.state.value, 'saved')

  assert.deepEqual(await contents(vault), {
    'Shared with me/Notes/old.txt': 'mine',
    'Shared with me/Notes (2)': 'bbb',
    'Shared with me/Drafts (2)/x.txt': 'bbb'
  })
  assert.deepEqual(await client.call('folders.list', undefined), ['Shared with me/Drafts'], 'the empty folder stays empty')
})

it('the node refuses to put a file under a file\'s name as a folder (PATH_EXISTS) and changes nothing', async () => {
  const { vault, client } = await recipient({ 'Shared with me/Holiday': 'mine' }, { '/download/share/tok/0': 'aaa' })
  const before = await contents(vault)
  await rejectsWith(client.call('files.addShared', { uploadId: 'u', source: '/download/share/tok/0', path: 'Shared with me/Holiday/a.txt', size: 3, type: '' }), 'PATH_EXISTS')
  assert.deepEqual(await contents(vault), before)
})

it('a shared name the vault would refuse (a control character, NUL, over 255 bytes) is saved under a name it takes', async () => {
  // The link carries names of up to 1024 bytes, any characters: the sender chose them, not the recipient's vault rules.
  const served = { '/download/share/a': 'one', '/download/share/b': 'two', '/download/share/c': 'three', '/download/share/d': 'four' }
  const { vault, client } = await recipient({}, served)
  const long = `${'é'.repeat(300)}.pdf`
  for (const [name, source] of [['line\nbreak.txt', '/download/share/a'], ['nul\u0000.txt', '/download/share/b'], [long, '/download/share/c']] as const) {
    const save = await saveFromPage(client, file(name, source, served[source].length))
    assert.equal(save.error.value, undefined, name)
    assert.equal(save.state.value, 'saved', name)
  }
  // A folder share's own name is the sender's too.
  const folder = await saveFromPage(client, { kind: 'folder', name: 'tab\there', files: [{ source: '/download/share/d', path: 'x.txt', size: 4, type: 'text/plain\r\n' }] })
  assert.equal(folder.state.value, 'saved')

  const saved = await contents(vault)
  assert.deepEqual(Object.values(saved).sort(), ['four', 'one', 'three', 'two'])
  for (const path of Object.keys(saved)) {
    assert.ok(path.startsWith('Shared with me/'), path)
    assert.doesNotMatch(path, /[\u0000-\u001f\u007f]/, path)
    for (const segment of path.split('/')) assert.ok(enc.encode(segment).length <= 255, path)
  }
  const longSaved = Object.keys(saved).find(path => saved[path] === 'three')
  assert.ok(longSaved?.endsWith('.pdf'), 'a name cut to fit keeps its extension')
})
