import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { keepServiceWorkerAwake } from '../../../web/connection/keep-service-worker-awake.ts'
import { streamStarted } from '../../../sw/streams-underway.ts'
import { readFromServiceWorker, readToServiceWorker } from '../../../core/rpc/service-worker-messages.ts'
import { helperWorkersMayBlock } from '../../../sw/workers/helper-workers.ts'
import { createInThreadTagHasher } from '../../../core/node/in-thread-tag-hasher.ts'
import { createDedupHasher } from '../../../core/crypto/dedup-tag.ts'

/** A ServiceWorkerContainer as far as the keeper uses it: messages in, a controller to post to. */
class FakeContainer extends EventTarget {
  readonly posted: unknown[] = []
  controller: { postMessage: (message: unknown) => void } | null = { postMessage: (message) => { this.posted.push(message) } }
  startMessages (): void {}
  say (data: unknown): void { this.dispatchEvent(new MessageEvent('message', { data })) }
}

const asContainer = (fake: FakeContainer): ServiceWorkerContainer => fake as unknown as ServiceWorkerContainer

describe('keeping the service worker awake while downloads stream (Firefox stops it 30 s after its last event)', () => {
  it('counts each stream once, however it ends, and tells the windows each change', () => {
    const told: number[] = []
    const endA = streamStarted((count) => told.push(count))
    const endB = streamStarted((count) => told.push(count))
    endA()
    endA()
    endB()
    assert.deepEqual(told, [1, 2, 1, 0])
  })

  it('pokes the service worker while its count is above 0, and stops at 0', async () => {
    const fake = new FakeContainer()
    const stop = keepServiceWorkerAwake(asContainer(fake), 20)
    await sleep(60)
    assert.equal(fake.posted.length, 0, 'nothing streams: no pokes')
    fake.say({ kind: 'streams-underway', count: 1 })
    fake.say({ kind: 'streams-underway', count: 2 })
    await sleep(110)
    const whileStreaming = fake.posted.length
    assert.ok(whileStreaming >= 2, `poked ${whileStreaming} times in 110 ms at 20 ms`)
    assert.ok(fake.posted.every((m) => { const read = readToServiceWorker(m); return read !== undefined && 'kind' in read && read.kind === 'stay-awake' }))
    fake.say({ kind: 'streams-underway', count: 0 })
    const atEnd = fake.posted.length
    await sleep(80)
    assert.equal(fake.posted.length, atEnd, 'no pokes once nothing streams')
    fake.say({ kind: 'streams-underway', count: 1 })
    stop()
    await sleep(60)
    assert.equal(fake.posted.length, atEnd, 'stopped for good')
  })

  it('ignores a malformed count', () => {
    for (const count of [-1, 1.5, '2', undefined]) assert.equal(readFromServiceWorker({ kind: 'streams-underway', count }), undefined)
    assert.deepEqual(readFromServiceWorker({ kind: 'streams-underway', count: 3 }), { kind: 'streams-underway', count: 3 })
  })
})

describe('where the browser node hashes and seals', () => {
  it('keeps the work on its own thread in Firefox, in workers elsewhere', () => {
    assert.ok(helperWorkersMayBlock('Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0'))
    assert.ok(helperWorkersMayBlock('Mozilla/5.0 (Android 14; Mobile; rv:140.0) Gecko/140.0 Firefox/140.0'))
    assert.ok(!helperWorkersMayBlock('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'))
    assert.ok(!helperWorkersMayBlock('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15'))
  })

  it('the in-thread hasher gives the same tag as the hash worker\'s keyed BLAKE3', async () => {
    const key = new Uint8Array(32).fill(9)
    const bytes = new Uint8Array(300_000).map((_, i) => i % 251)
    const expected = await createDedupHasher(key.slice())
    expected.update(bytes)
    const hasher = createInThreadTagHasher()
    assert.deepEqual(await hasher(key, new Blob([bytes])), expected.digest())
    assert.equal(hasher.readLargeFilesOnce, true)
    assert.ok(hasher.sealer !== undefined)
  })
})
