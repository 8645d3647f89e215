import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { FileInfo, ThumbnailData } from '../../../core/rpc/api.ts'
import { createViewerModel } from '../../../web/models/viewer-model.ts'
import { createThumbnailsModel, thumbKey } from '../../../web/models/thumbnails-model.ts'
import { createTestClient, settle } from './fake-rpc.ts'
import { createThumbnailMaker } from '../../../web/thumbnails/thumbnail-maker.ts'
import type { ThumbnailJob, ThumbnailJobResult } from '../../../core/rpc/thumbnail-worker-messages.ts'

const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'

function file (name: string, type: string, fileId = name): FileInfo {
  return { fileId, path: name, size: 1000, mtime: 0, type, cid: CID }
}

const THUMB: ThumbnailData = { type: 'image/webp', width: 256, height: 171, bytes: new Uint8Array([1, 2, 3]) }

describe('viewer model', () => {
  it('opens a file among its siblings, steps both ways round the ends, and closes', () => {
    const viewer = createViewerModel()
    const list = [file('a.png', 'image/png'), file('b.txt', 'text/plain'), file('c.pdf', 'application/pdf')]
    viewer.open(list[1] as FileInfo, list)
    assert.equal(viewer.file.value?.path, 'b.txt')
    assert.deepEqual(viewer.position.value, { index: 1, count: 3 })
    viewer.next()
    assert.equal(viewer.file.value?.path, 'c.pdf')
    viewer.next()
    assert.equal(viewer.file.value?.path, 'a.png')
    viewer.previous()
    assert.equal(viewer.file.value?.path, 'c.pdf')
    viewer.close()
    assert.equal(viewer.file.value, undefined)
    viewer.next()
    assert.equal(viewer.file.value, undefined)
  })

  it('opens a file missing from the list on its own', () => {
    const viewer = createViewerModel()
    viewer.open(file('x.png', 'image/png'), [file('a.png', 'image/png')])
    assert.deepEqual(viewer.position.value, { index: 0, count: 1 })
  })
})

describe('thumbnails model', () => {
  it('shows a stored thumbnail without making one', async () => {
    const client = createTestClient({ 'thumbnails.get': () => THUMB })
    let made = 0
    const model = createThumbnailsModel({ client, maker: { make: async () => { made++; return THUMB }, close: () => {} } })
    const f = file('a.png', 'image/png')
    model.want(f)
    await settle()
    const state = model.entries.value.get(thumbKey(f))
    assert.equal(state?.status, 'ready')
    assert.equal(made, 0)
  })

  it('makes a missing thumbnail once, stores it, and remembers an image that does not decode', async () => {
    const puts: unknown[] = []
    const client = createTestClient({ 'thumbnails.get': () => null, 'thumbnails.put': (args) => { puts.push(args.thumbnail); return undefined } })
    const model = createThumbnailsModel({
      client,
      maker: { make: async (blob) => (blob as Blob).size > 1 ? THUMB : undefined, close: () => {} },
      read: async (f) => new Blob([f.fileId === 'good' ? 'lots of bytes' : 'x'])
    })
    const good = file('good.png', 'image/png', 'good')
    const bad = file('bad.png', 'image/png', 'bad')
    model.want(good)
    model.want(good)
    model.want(bad)
    await settle(10)
    assert.equal(model.entries.value.get(thumbKey(good))?.status, 'ready')
    assert.equal(model.entries.value.get(thumbKey(bad))?.status, 'none')
    assert.deepEqual(puts.map(p => p === 'none' ? 'none' : 'thumb').sort(), ['none', 'thumb'])
  })

  it('asks nothing for files that are not pictures, nor makes one of a file not on this device', async () => {
    const client = createTestClient({ 'thumbnails.get': () => null })
    const model = createThumbnailsModel({ client, maker: { make: async () => THUMB, close: () => {} }, isLocal: () => false, read: async () => { throw new Error('not read') } })
    model.want(file('notes.txt', 'text/plain'))
    model.want(file('logo.svg', 'image/svg+xml'))
    model.want(file('far.png', 'image/png'))
    await settle()
    assert.deepEqual(client.calls.map(c => c.method), ['thumbnails.get'])
    assert.equal(model.entries.value.get(thumbKey(file('far.png', 'image/png')))?.status, 'none')
    model.clear()
    assert.equal(model.entries.value.size, 0)
  })
})

describe('thumbnails kept', () => {
  it('lets go of the least recently shown past the cap', async () => {
    const client = createTestClient({ 'thumbnails.get': () => THUMB })
    const model = createThumbnailsModel({ client, maker: { make: async () => THUMB, close: () => {} }, maxReady: 2 })
    const [a, b, c] = ['a', 'b', 'c'].map(name => file(`${name}.png`, 'image/png', name)) as [FileInfo, FileInfo, FileInfo]
    model.want(a)
    model.want(b)
    await settle()
    model.want(a)
    model.want(c)
    await settle()
    assert.deepEqual([...model.entries.value.keys()].sort(), [thumbKey(a), thumbKey(c)])
  })
})

describe('thumbnail maker', () => {
  it('runs at most its pool size at once, in order, and answers undefined for what fails', async () => {
    const started: number[] = []
    let busy = 0
    let mostBusy = 0
    const workers: Array<{ onmessage: ((e: MessageEvent<ThumbnailJobResult>) => void) | null }> = []
    const maker = createThumbnailMaker({
      workers: 2,
      createWorker: () => {
        const worker = {
          onmessage: null as ((e: MessageEvent<ThumbnailJobResult>) => void) | null,
          postMessage: (job: ThumbnailJob) => {
            started.push(job.id)
            mostBusy = Math.max(mostBusy, ++busy)
            setTimeout(() => {
              busy--
              const ok = (job.source as Blob).size > 1
              worker.onmessage?.({ data: ok ? { id: job.id, ok: true, thumbnail: THUMB } : { id: job.id, ok: false } } as MessageEvent<ThumbnailJobResult>)
            }, 1)
          },
          terminate: () => {}
        }
        workers.push(worker)
        return worker
      }
    })
    const made = await Promise.all([new Blob(['ab']), new Blob(['x']), new Blob(['cd']), new Blob(['ef'])].map(async b => await maker.make(b)))
    assert.deepEqual(made.map(t => t === undefined ? 'none' : 'thumb'), ['thumb', 'none', 'thumb', 'thumb'])
    assert.deepEqual(started, [1, 2, 3, 4])
    assert.equal(mostBusy, 2)
    assert.equal(workers.length, 2)
    maker.close()
  })
})
