import { readSharedFilesReply, type SharedFilesTake } from '../../core/rpc/share-target-messages.ts'
import type { SharedFilesSource, TakenSharedFiles } from '../models/shared-inbox-model.ts'

/** How long to wait for the service worker; after this the files count as lost. */
const TAKE_TIMEOUT_MS = 10_000

/**
 * Takes files shared to Cairn from the service worker that holds them in
 * memory (sw/share-target-route.ts): one `shared-files-take` message, the
 * answer on a MessageChannel (core/rpc/share-target-messages.ts).
 */
export function serviceWorkerSharedFiles (container: ServiceWorkerContainer | undefined = navigator.serviceWorker, timeoutMs = TAKE_TIMEOUT_MS): SharedFilesSource {
  return {
    take: async (id) => {
      if (container === undefined) return undefined
      let timer: ReturnType<typeof setTimeout> | undefined
      const timeout = new Promise<undefined>((resolve) => { timer = setTimeout(() => { resolve(undefined) }, timeoutMs) })
      try {
        // The redirected page is normally controlled; after a hard reload it is not, but the registration is still there.
        const worker = container.controller ?? (await Promise.race([container.ready, timeout]))?.active
        if (worker === undefined || worker === null) return undefined
        const channel = new MessageChannel()
        const reply = new Promise<unknown>((resolve) => { channel.port1.onmessage = (e) => { resolve(e.data) } })
        worker.postMessage({ kind: 'shared-files-take', id } satisfies SharedFilesTake, [channel.port2])
        const answer = await Promise.race([reply, timeout])
        channel.port1.close()
        return filesOf(answer)
      } finally {
        clearTimeout(timer)
      }
    }
  }
}

function filesOf (answer: unknown): TakenSharedFiles | undefined {
  const reply = readSharedFilesReply(answer)
  return reply?.kind === 'shared-files' ? { files: reply.files, refused: reply.refused } : undefined
}
