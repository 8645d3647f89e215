import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { createNodeHandlers, type NodeHandlerComponents } from '../../../core/node/node-handlers.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import type { CairnHelia } from '../../../core/node/create-node.ts'
import type { UploadProgress } from '../../../core/rpc/api.ts'
import { type Cleanups, randomBytes, readAll, startVault } from '../vault/share-test-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

async function handlersWith (openShared: NodeHandlerComponents['openShared']) {
  const { vault } = await startVault(cleanups)
  const events: UploadProgress[] = []
  let changes = 0
  const logs = new LogBuffer()
  const handlers = createNodeHandlers({
    vault,
    // The add handlers never touch the libp2p node.
    helia: {} as unknown as CairnHelia,
    logs,
    storedBytes: async () => 0,
    onUploadProgress: (progress) => { events.push(progress) },
    onFilesChanged: () => { changes++ },
    log: logs.for('files'),
    openShared
  })
  return { vault, handlers, events, logs, changes: () => changes }
}

const streamOf = (bytes: Uint8Array<ArrayBuffer>): ReadableStream<Uint8Array> => new Response(bytes).body as ReadableStream<Uint8Array>

describe('the add handlers', () => {
  it('files.addShared stores what the service worker serves at the source, reporting progress under its upload id', async () => {
    const content = randomBytes(1_200_000)
    const asked: string[] = []
    const { vault, handlers, events, logs, changes } = await handlersWith(async (source) => { asked.push(source); return streamOf(content) })
    const { file } = await handlers['files.addShared']({ uploadId: 'u1', source: '/download/share/tok/0', path: 'Shared with me/a.bin', size: content.length, type: 'application/octet-stream' })
    assert.deepEqual(asked, ['/download/share/tok/0'])
    assert.deepEqual([file.path, file.size], ['Shared with me/a.bin', content.length])
    assert.deepEqual(await readAll(vault.files().open(file.fileId).stream), content)
    assert.deepEqual(events.map(e => [e.uploadId, e.phase]).at(0), ['u1', 'encrypting'])
    assert.deepEqual(events.at(-1), { uploadId: 'u1', bytesDone: content.length, bytesTotal: content.length, phase: 'done' })
    assert.equal(changes(), 1)
    const lines = logs.recent().map(l => l.message).join('\n')
    assert.match(lines, /stored a file of 1200000 bytes/)
    assert.doesNotMatch(lines, /a\.bin|Shared with me/, 'file names never reach the log')
  })

  it('a shared file of another length than announced is SHARE_CONTENT_MISMATCH, reported failed, nothing listed', async () => {
    const { vault, handlers, events } = await handlersWith(async () => streamOf(randomBytes(1000)))
    await assert.rejects(handlers['files.addShared']({ uploadId: 'u2', source: '/download/share/tok', path: 'x.bin', size: 2000, type: '' }), { code: 'SHARE_CONTENT_MISMATCH' })
    await assert.rejects(handlers['files.addShared']({ uploadId: 'u3', source: '/download/share/tok', path: 'x.bin', size: 10, type: '' }), { code: 'SHARE_CONTENT_MISMATCH' })
    assert.deepEqual(events.filter(e => e.phase === 'failed').map(e => e.uploadId), ['u2', 'u3'])
    assert.deepEqual(vault.files().list(), [])
  })

  it('a locked vault refuses both adds before any progress event or fetch', async () => {
    let opened = 0
    const { vault, handlers, events } = await handlersWith(async () => { opened++; return streamOf(new Uint8Array(1)) })
    await vault.lock()
    await assert.rejects(handlers['files.addShared']({ uploadId: 'u4', source: '/download/share/tok', path: 'x.bin', size: 1, type: '' }), { code: 'VAULT_LOCKED' })
    await assert.rejects(handlers['files.add']({ uploadId: 'u5', file: new File([new Uint8Array(1)], 'y.bin') }), { code: 'VAULT_LOCKED' })
    assert.equal(opened, 0)
    assert.deepEqual(events, [])
  })

  it('locking while the shared file is still on its way is VAULT_LOCKED, with the fetch told to stop', async () => {
    let signalSeen: AbortSignal | undefined
    const { vault, handlers } = await handlersWith(async (_source, signal) => {
      signalSeen = signal
      // The service worker has not answered yet: the wait ends only through the signal.
      return await new Promise((_resolve, reject) => { signal.addEventListener('abort', () => { reject(new DOMException('aborted', 'AbortError')) }) })
    })
    const saving = handlers['files.addShared']({ uploadId: 'u6', source: '/download/share/tok', path: 'x.bin', size: 5, type: '' })
    // Lock once the fetch has begun (not on a timer): the file is on its way.
    while (signalSeen === undefined) await new Promise(resolve => setImmediate(resolve))
    await vault.lock()
    await assert.rejects(saving, { code: 'VAULT_LOCKED' })
    assert.equal(signalSeen?.aborted, true)
  })
})
