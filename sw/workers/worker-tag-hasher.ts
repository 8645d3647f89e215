import { fromErrorPayload } from '../../core/errors.ts'
import type { TagHasher } from '../../core/vault/vault-files.ts'
import type { HashReply, HashRequest } from './hash-protocol.ts'

/** A TagHasher that runs in its own dedicated worker, started on first use. */
export function createWorkerTagHasher (): TagHasher {
  let worker: Worker | undefined
  let nextId = 0
  const waiting = new Map<number, { resolve: (tag: Uint8Array) => void, reject: (err: Error) => void }>()

  const start = (): Worker => {
    const w = new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module', name: 'cairn-hash' })
    w.onmessage = (ev: MessageEvent<HashReply>) => {
      const reply = ev.data
      const entry = waiting.get(reply.id)
      if (entry === undefined) return
      waiting.delete(reply.id)
      if (reply.ok) entry.resolve(reply.tag)
      else entry.reject(fromErrorPayload(reply.error))
    }
    return w
  }

  return async (key, file) => {
    worker ??= start()
    const id = nextId++
    return await new Promise<Uint8Array>((resolve, reject) => {
      waiting.set(id, { resolve, reject })
      worker?.postMessage({ id, key: key.slice(), file } satisfies HashRequest)
    })
  }
}
