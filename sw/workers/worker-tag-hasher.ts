import { CairnError, fromErrorPayload, VaultLockedError } from '../../core/errors.ts'
import type { TagHasher } from '../../core/vault/vault-files.ts'
import type { HashReply, HashRequest } from './hash-protocol.ts'

/** The part of a Worker the hasher uses (a fake in the unit tests). */
export interface HashWorkerLike {
  onmessage: ((ev: MessageEvent<HashReply>) => void) | null
  /** The worker failed: its script did not load (gone after an update) or it crashed. */
  onerror: ((ev: Event) => void) | null
  postMessage: (message: HashRequest, transfer: Transferable[]) => void
  terminate: () => void
}

/** A TagHasher whose `wipe()` forgets every key it was given. */
export interface WipeableTagHasher extends TagHasher {
  /** The vault locked: end the worker (its memory holds the dedup key) and fail hashes in flight. */
  wipe: () => void
}

const startHashWorker = (): HashWorkerLike =>
  new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module', name: 'cairn-hash' }) as unknown as HashWorkerLike

/**
 * A TagHasher that runs in its own dedicated worker, started on first use.
 * The key goes over as a transferred copy, so no copy stays behind here; on
 * lock the worker is ended, which takes the key (and the BLAKE3 state in its
 * WebAssembly memory) with it, and the next unlock starts a fresh one.
 */
export function createWorkerTagHasher (start: () => HashWorkerLike = startHashWorker): WipeableTagHasher {
  let worker: HashWorkerLike | undefined
  let nextId = 0
  const waiting = new Map<number, { resolve: (tag: Uint8Array) => void, reject: (err: Error) => void }>()

  /** Ends the worker and fails every hash waiting on it. */
  const end = (reason: Error): void => {
    worker?.terminate()
    worker = undefined
    for (const entry of waiting.values()) entry.reject(reason)
    waiting.clear()
  }

  const launch = (): HashWorkerLike => {
    const w = start()
    // Without this a worker that never loads leaves every upload waiting for its tag for ever.
    w.onerror = () => {
      if (worker === w) end(new CairnError('INTERNAL', 'The worker that finds duplicate content stopped; please try the upload again'))
    }
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

  const hash = async (key: Uint8Array, file: Blob): Promise<Uint8Array> => {
    const w = worker ??= launch()
    const id = nextId++
    return await new Promise<Uint8Array>((resolve, reject) => {
      waiting.set(id, { resolve, reject })
      const copy = key.slice()
      w.postMessage({ id, key: copy, file }, [copy.buffer])
    })
  }
  return Object.assign(hash, {
    wipe: () => { end(new VaultLockedError()) }
  })
}
