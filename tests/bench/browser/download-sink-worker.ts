/// <reference lib="webworker" />
import type { FileStreamReply, FileStreamRequest } from '../../../core/rpc/file-stream-protocol.ts'

declare const self: DedicatedWorkerGlobalScope

/**
 * Bench only: the service worker's end of a download (sw/download-route.ts
 * pulls from the node worker over a MessagePort, one chunk per pull), in its
 * own worker as in the app, so the chunks it receives and drops are not
 * counted in the node worker's heap. Answers the bytes received, or the error.
 */
self.onmessage = (ev: MessageEvent<{ port: MessagePort }>) => {
  const { port } = ev.data
  let received = 0
  const pull = (): void => { port.postMessage({ kind: 'pull' } satisfies FileStreamRequest) }
  port.onmessage = (message: MessageEvent<FileStreamReply>) => {
    const reply = message.data
    if (reply.kind === 'chunk') received += reply.bytes.byteLength
    if (reply.kind === 'end') { self.postMessage({ received }); port.close(); return }
    if (reply.kind === 'error') { self.postMessage({ error: reply.error.message }); port.close(); return }
    pull()
  }
  pull()
}
