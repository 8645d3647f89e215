import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createWorkerTagHasher, type HashWorkerLike } from '../../../sw/workers/worker-tag-hasher.ts'
import type { HashReply, HashRequest } from '../../../sw/workers/hash-protocol.ts'

/** Stands in for the hash worker: records what it was sent and answers when told. */
class FakeHashWorker implements HashWorkerLike {
  onmessage: ((ev: MessageEvent<HashReply>) => void) | null = null
  onerror: ((ev: Event) => void) | null = null
  readonly sent: Array<{ message: HashRequest, transfer: Transferable[] }> = []
  terminated = false
  postMessage (message: HashRequest, transfer: Transferable[]): void { this.sent.push({ message, transfer }) }
  terminate (): void { this.terminated = true }
  answer (id: number, tag: Uint8Array): void { this.onmessage?.(new MessageEvent('message', { data: { id, ok: true, tag } })) }
}

function fakeWorkers (): { start: () => FakeHashWorker, started: FakeHashWorker[] } {
  const started: FakeHashWorker[] = []
  return { started, start: () => { const w = new FakeHashWorker(); started.push(w); return w } }
}

describe('the hash worker and the dedup key', () => {
  it('gets a transferred copy of the key, never the vault\'s own buffer', async () => {
    const workers = fakeWorkers()
    const hasher = createWorkerTagHasher(workers.start)
    const key = new Uint8Array(32).fill(7)
    const tag = hasher(key, new Blob(['x']))
    const { message, transfer } = workers.started[0]?.sent[0] ?? assert.fail('nothing sent')
    assert.notEqual(message.key.buffer, key.buffer)
    assert.deepEqual(transfer, [message.key.buffer])
    assert.deepEqual(key, new Uint8Array(32).fill(7))
    workers.started[0]?.answer(message.id, new Uint8Array(32).fill(1))
    assert.deepEqual(await tag, new Uint8Array(32).fill(1))
  })

  it('on lock ends the worker that holds the key, refuses the hashes in flight, and starts afresh after', async () => {
    const workers = fakeWorkers()
    const hasher = createWorkerTagHasher(workers.start)
    const key = new Uint8Array(32).fill(9)
    const inFlight = hasher(key, new Blob(['big file']))
    hasher.wipe()
    await assert.rejects(inFlight, { code: 'VAULT_LOCKED' })
    const old = workers.started[0] ?? assert.fail('no worker started')
    assert.equal(old.terminated, true, 'the worker, and the key in its memory, are gone')
    // A late answer from the old worker changes nothing.
    old.answer(0, new Uint8Array(32))

    const next = hasher(key, new Blob(['after unlock']))
    assert.equal(workers.started.length, 2)
    const fresh = workers.started[1] ?? assert.fail('no fresh worker')
    fresh.answer(fresh.sent[0]?.message.id ?? -1, new Uint8Array(32).fill(2))
    assert.deepEqual(await next, new Uint8Array(32).fill(2))
  })

  it('a hash worker that fails (its script gone after an update, out of memory) fails the hashes in flight instead of leaving the upload waiting for ever', async () => {
    const workers = fakeWorkers()
    const hasher = createWorkerTagHasher(workers.start)
    const key = new Uint8Array(32).fill(3)
    const inFlight = hasher(key, new Blob(['a file']))
    const broken = workers.started[0] ?? assert.fail('no worker started')
    broken.onerror?.(new Event('error'))
    await assert.rejects(inFlight, { code: 'INTERNAL' })
    assert.equal(broken.terminated, true)
    // The next upload gets a fresh worker.
    const next = hasher(key, new Blob(['again']))
    const fresh = workers.started[1] ?? assert.fail('no fresh worker')
    fresh.answer(fresh.sent[0]?.message.id ?? -1, new Uint8Array(32).fill(4))
    assert.deepEqual(await next, new Uint8Array(32).fill(4))
  })
})
