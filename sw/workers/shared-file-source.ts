/// <reference lib="webworker" />
import { CairnError, InvalidArgumentError } from '../../core/errors.ts'
import { STREAMED_BY_CAIRN_HEADER } from '../../core/rpc/file-stream-protocol.ts'
import { isShareDownloadPath } from '../../core/rpc/service-worker-urls.ts'

/**
 * The plaintext of a shared file that a share page of this origin has open,
 * as the service worker serves it (sw/download-route.ts). The node worker
 * reads it for files.addShared, so "Save to my vault" encrypts it as it
 * arrives instead of the page gathering it into a File first.
 */
export function sharedFileSource (origin: string, fetchFile: typeof fetch = fetch): (source: string, signal: AbortSignal) => Promise<ReadableStream<Uint8Array>> {
  return async (source, signal) => {
    // Only the share route of this origin: a call must not make the node fetch anything else.
    const url = new URL(source, origin)
    if (url.origin !== origin || !isShareDownloadPath(url.pathname) || url.search !== '') {
      throw new InvalidArgumentError('files.addShared reads only a shared file the service worker serves')
    }
    // The signal (the vault locking) also ends a wait for the service worker's first answer.
    return await openServed(await fetchFile(url, { cache: 'no-store', signal }))
  }
}

async function openServed (response: Response): Promise<ReadableStream<Uint8Array>> {
  if (response.headers.get(STREAMED_BY_CAIRN_HEADER) === null) {
    await response.body?.cancel()
    // The node's tab was loaded past the service worker (a forced reload): its fetches go to the network.
    throw new CairnError('SERVICE_WORKER_MISSING', 'the service worker did not answer for the shared file')
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel()
    // The service worker's own refusal: the share page closed (404) or nobody serves the data (503).
    throw new CairnError('SHARE_UNAVAILABLE', `The shared file could not be read (${response.status})`)
  }
  return failingAsUnavailable(response.body)
}

/** A share that stops arriving midway (its peers left) fails as SHARE_UNAVAILABLE, not as a bare network TypeError. */
function failingAsUnavailable (body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader()
  return new ReadableStream<Uint8Array>({
    async pull (controller) {
      try {
        const { done, value } = await reader.read()
        if (done) controller.close()
        else controller.enqueue(value)
      } catch {
        controller.error(new CairnError('SHARE_UNAVAILABLE', 'The shared file stopped arriving before its end; nothing was saved'))
      }
    },
    async cancel (reason) { await reader.cancel(reason) }
  })
}
