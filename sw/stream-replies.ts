import type { FileStreamReply } from '../core/rpc/file-stream-protocol.ts'

/** How often a wait for the next reply checks that the tab sending the file is still there. */
export const SERVER_CHECK_MS = 3_000

/** What a stream gets when the tab that was sending it closed (its node or share worker went with it). */
export const SERVER_GONE: FileStreamReply = {
  kind: 'error',
  error: { code: 'NODE_UNAVAILABLE', message: 'The Cairn tab that was sending this file was closed. Open Cairn and try again.' }
}

/**
 * The replies of one download's port, one per call. A port whose other end
 * went away (its tab closed, taking the worker that held that end) gets no
 * more messages and, in most browsers, no word of it either: each wait ends
 * with SERVER_GONE when the port says it closed (Chromium's `close` event) or
 * when `serverGone` says the tab is no longer there, checked every
 * SERVER_CHECK_MS. Without this a download would stay "in progress" forever.
 *
 * Typed without the WebWorker lib so the unit tests can run it in Node.
 */
export function portReplies (port: MessagePort, serverGone: () => Promise<boolean>, checkEveryMs = SERVER_CHECK_MS): () => Promise<FileStreamReply> {
  let waiting: ((reply: FileStreamReply) => void) | undefined
  let closed = false
  const settle = (reply: FileStreamReply): void => {
    const resolve = waiting
    waiting = undefined
    resolve?.(reply)
  }
  port.onmessage = (ev: MessageEvent<FileStreamReply>) => { settle(ev.data) }
  port.addEventListener('close', () => { closed = true; settle(SERVER_GONE) })
  return async () => {
    if (closed) return SERVER_GONE
    return await new Promise<FileStreamReply>((resolve) => {
      const timer = setInterval(() => {
        void serverGone().then((gone) => { if (gone && waiting === done) settle(SERVER_GONE) }, () => {})
      }, checkEveryMs)
      const done = (reply: FileStreamReply): void => { clearInterval(timer); resolve(reply) }
      waiting = done
    })
  }
}
