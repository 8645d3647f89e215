import type { SharedFilesSource } from '../models/shared-inbox-model.ts'

/** How long to wait for the service worker; after this the files count as lost. */
const TAKE_TIMEOUT_MS = 10_000

/**
 * Takes files shared to Cairn from the service worker that holds them in
 * memory (sw/share-target-route.ts): one `shared-files-take` message, the
 * answer on a MessageChannel. The names match that file (web/ must not import sw/).
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
        worker.postMessage({ kind: 'shared-files-take', id }, [channel.port2])
        const answer = await Promise.race([reply, timeout])
        channel.port1.close()
        return filesOf(answer)
      } finally {
        clearTimeout(timer)
      }
    }
  }
}

function filesOf (answer: unknown): File[] | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined
  const { kind, files } = answer as { kind?: unknown, files?: unknown }
  if (kind !== 'shared-files' || !Array.isArray(files)) return undefined
  return files.filter((f): f is File => f instanceof File)
}
