import type { ChunkSealer, SealedChunk, SealSession } from '../../core/storage/chunk-sealer.ts'
import { CairnError, fromErrorPayload, VaultLockedError } from '../../core/errors.ts'
import { takeFresh } from '../../core/storage/fresh-bytes.ts'
import type { SealReply, SealRequest } from './seal-protocol.ts'

/** The part of a Worker the pool uses (a fake in the unit tests). */
export interface SealWorkerLike {
  onmessage: ((ev: MessageEvent<SealReply>) => void) | null
  onerror: ((ev: Event) => void) | null
  postMessage: (message: SealRequest, transfer: Transferable[]) => void
  terminate: () => void
}

/** A ChunkSealer whose `wipe()` ends its workers (their memory holds file keys). */
export interface WipeableSealer extends ChunkSealer {
  wipe: () => void
}

const startSealWorker = (): SealWorkerLike =>
  new Worker(new URL('./seal-worker.ts', import.meta.url), { type: 'module', name: 'cairn-seal' }) as unknown as SealWorkerLike

/** Two workers on a 2-core machine (the node worker's own thread mostly waits on them and on storage), at most four. */
export function sealPoolSize (cores: number = globalThis.navigator?.hardwareConcurrency ?? 2): number {
  return Math.max(2, Math.min(4, cores))
}

/**
 * Chunks queued per worker: one being worked on, the rest hide the hop to
 * the worker and back (a wake-up each way, long on a busy machine). Memory
 * out: 2 × this × workers MiB (plaintext going, ciphertext coming).
 */
const CHUNKS_PER_WORKER = 4

/** Bytes a worker may take: a view that is its whole buffer goes as is, any other is copied first. */
function transferable (bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const whole = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
  return whole ? bytes as Uint8Array<ArrayBuffer> : bytes.slice()
}

/**
 * A pool of seal workers, started on first use: chunk `i` of a file goes to
 * worker `i mod size`, its bytes transferred both ways (no copy). The
 * pipeline (core/storage/sealed-content.ts) keeps `width` chunks in flight (CHUNKS_PER_WORKER each) and
 * takes results in order. On lock the workers are ended, keys and all.
 */
export function createWorkerSealPool (size = sealPoolSize(), start: () => SealWorkerLike = startSealWorker): WipeableSealer {
  let workers: SealWorkerLike[] | undefined
  let nextId = 0
  let nextSession = 0
  const waiting = new Map<number, { resolve: (reply: SealReply & { ok: true }) => void, reject: (err: Error) => void }>()

  /** Why the last pool ended: what a file still open on it fails with. */
  let ended: Error = new VaultLockedError()
  const end = (reason: Error): void => {
    ended = reason
    for (const w of workers ?? []) w.terminate()
    workers = undefined
    for (const entry of waiting.values()) entry.reject(reason)
    waiting.clear()
  }

  const launch = (): SealWorkerLike[] => Array.from({ length: size }, () => {
    const w = start()
    w.onerror = () => { end(new CairnError('INTERNAL', 'A worker that encrypts files stopped; please try again')) }
    w.onmessage = (ev: MessageEvent<SealReply>) => {
      const reply = ev.data
      const entry = waiting.get(reply.id)
      if (entry === undefined) return
      waiting.delete(reply.id)
      if (reply.ok) entry.resolve(reply)
      else entry.reject(fromErrorPayload(reply.error))
    }
    return w
  })

  const ask = async (worker: SealWorkerLike, request: SealRequest & { id: number }, transfer: Transferable[]): Promise<SealReply & { ok: true }> =>
    await new Promise((resolve, reject) => {
      waiting.set(request.id, { resolve, reject })
      worker.postMessage(request, transfer)
    })

  const open = (fileKey: Uint8Array, header: Uint8Array): SealSession => {
    const pool = workers ??= launch()
    const session = nextSession++
    for (const w of pool) {
      const key = fileKey.slice()
      w.postMessage({ type: 'open', session, fileKey: key, header: header.slice() }, [key.buffer])
    }
    let closed = false
    const pick = (index: number): SealWorkerLike => {
      if (closed) throw new CairnError('INTERNAL', 'that file is closed')
      if (workers !== pool) throw ended
      return pool[index % pool.length] as SealWorkerLike
    }
    return {
      seal: async (index, plaintext, last): Promise<SealedChunk> => {
        const bytes = transferable(plaintext)
        const reply = await ask(pick(index), { type: 'seal', session, id: nextId++, index, last, plaintext: bytes }, [bytes.buffer])
        if (!('sealed' in reply)) throw new CairnError('INTERNAL', 'a seal worker answered the wrong question')
        return reply.sealed
      },
      unseal: async (index, ciphertext, last) => {
        // Bytes just read from disk for this read alone go as they are (and come back only if refused,
        // so the node worker keeps no garbage per chunk); any others may belong to a cache or another reader, so a copy goes.
        const bytes = takeFresh(ciphertext) ? ciphertext : ciphertext.slice()
        const reply = await ask(pick(index), { type: 'unseal', session, id: nextId++, index, last, ciphertext: bytes }, [bytes.buffer])
        if (!('plaintext' in reply)) throw new CairnError('INTERNAL', 'a seal worker answered the wrong question')
        // A chunk that decrypted is not needed again; a refused one comes back to be diagnosed.
        if (reply.plaintext !== null) return { plaintext: reply.plaintext, ciphertext }
        return { ciphertext: bytes === ciphertext ? reply.ciphertext ?? ciphertext : ciphertext }
      },
      close: () => {
        if (closed) return
        closed = true
        if (workers === pool) for (const w of pool) w.postMessage({ type: 'close', session }, [])
      }
    }
  }

  return { width: size * CHUNKS_PER_WORKER, open, wipe: () => { end(new VaultLockedError()) } }
}

/** The node's tag hasher with the seal pool beside it: one `wipe()` on lock ends both. */
export function withSealPool<T extends { wipe: () => void }> (hasher: T, pool: WipeableSealer = createWorkerSealPool()): T & { sealer: WipeableSealer } {
  const wipeHasher = hasher.wipe
  return Object.assign(hasher, { sealer: pool, wipe: () => { wipeHasher(); pool.wipe() } })
}
