import type { ThumbnailData } from '../../core/rpc/api-files.ts'
import type { ThumbnailJob, ThumbnailJobResult } from '../../core/rpc/thumbnail-worker-messages.ts'

/** Makes thumbnails in a pool of workers; undefined for an image that does not decode. */
export interface ThumbnailMaker {
  make: (source: Blob | ImageBitmap) => Promise<ThumbnailData | undefined>
  /** Ends the workers (jobs in flight resolve undefined). */
  close: () => void
}

interface WorkerLike {
  postMessage: (message: ThumbnailJob, transfer: Transferable[]) => void
  onmessage: ((event: MessageEvent<ThumbnailJobResult>) => void) | null
  terminate: () => void
}

export interface ThumbnailMakerInit {
  /** Workers in the pool (default: one per core, at most 2: decoding a photo is all CPU, and the node works too). */
  workers?: number
  createWorker?: () => WorkerLike
}

function browserWorker (): WorkerLike {
  return new Worker(new URL('../../sw/workers/thumbnail-worker.ts', import.meta.url), { type: 'module', name: 'cairn-thumbnails' }) as unknown as WorkerLike
}

/**
 * A pool of thumbnail workers (sw/workers/thumbnail-worker.ts), started on
 * first use: each takes one job at a time, the rest wait in order.
 */
export function createThumbnailMaker (init: ThumbnailMakerInit = {}): ThumbnailMaker {
  const size = Math.max(1, init.workers ?? Math.min(2, globalThis.navigator?.hardwareConcurrency ?? 1))
  const idle: WorkerLike[] = []
  const all: WorkerLike[] = []
  const waiting: Array<{ job: ThumbnailJob, resolve: (t: ThumbnailData | undefined) => void }> = []
  const pending = new Map<number, (t: ThumbnailData | undefined) => void>()
  let nextId = 1

  const spawn = (): WorkerLike => {
    const worker = (init.createWorker ?? browserWorker)()
    worker.onmessage = (event) => {
      const reply = event.data
      const resolve = pending.get(reply.id)
      pending.delete(reply.id)
      resolve?.(reply.ok ? reply.thumbnail : undefined)
      idle.push(worker)
      pump()
    }
    all.push(worker)
    return worker
  }

  const pump = (): void => {
    while (waiting.length > 0) {
      const worker = idle.pop() ?? (all.length < size ? spawn() : undefined)
      if (worker === undefined) return
      const next = waiting.shift() as typeof waiting[number]
      pending.set(next.job.id, next.resolve)
      worker.postMessage(next.job, next.job.source instanceof Blob ? [] : [next.job.source])
    }
  }

  return {
    make: async (source) => await new Promise((resolve) => {
      waiting.push({ job: { id: nextId++, source }, resolve })
      pump()
    }),
    close: () => {
      for (const worker of all) worker.terminate()
      all.length = 0
      idle.length = 0
      for (const resolve of pending.values()) resolve(undefined)
      pending.clear()
      for (const { resolve } of waiting.splice(0)) resolve(undefined)
    }
  }
}
