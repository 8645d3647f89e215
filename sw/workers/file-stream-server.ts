import { InvalidArgumentError, toErrorPayload } from '../../core/errors.ts'
import type { FileStreamReply, FileStreamRequest } from '../../core/rpc/file-stream-protocol.ts'
import { checkRange, type ByteRange } from '../../core/storage/range-read.ts'

export interface FileStreamSource {
  name: string
  size: number
  type: string
  /** Names this content and no other (its CID, quoted): see FileStreamReply's meta. */
  etag?: string
  /** Starts the read: the whole content, or only `range` of it (already checked against `size`). */
  read: (range?: ByteRange) => ReadableStream<Uint8Array>
}

/**
 * Answers the service worker's pulls for one download (core/rpc/file-stream-protocol.ts):
 * metadata first, then one decrypted chunk per pull, its buffer transferred.
 * The read starts at the first pull after the metadata, with the range that
 * pull names (if any), so a range read never starts a whole one.
 * `onFailure` hears of a failure the service worker can pass on only as a
 * broken response (a reader's cancel is not one).
 */
export function serveFileStream (port: MessagePort, open: () => Promise<FileStreamSource>, onFailure?: (err: unknown) => void): void {
  let source: FileStreamSource | undefined
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
  let opened = false
  const reply = (message: FileStreamReply, transfer: Transferable[] = []): void => { port.postMessage(message, transfer) }

  port.onmessage = async (ev: MessageEvent<FileStreamRequest>) => {
    const request = ev.data
    try {
      if (request.kind === 'cancel') {
        await reader?.cancel()
        port.close()
        return
      }
      if (!opened) {
        opened = true
        source = await open()
        reply({ kind: 'meta', name: source.name, size: source.size, type: source.type, ...(source.etag !== undefined ? { etag: source.etag } : {}) })
        return
      }
      if (source === undefined) return
      // From the service worker, which checked it; checked here too, since a port carries anything.
      const range: unknown = request.range
      if (reader === undefined) {
        let wanted: ByteRange | undefined
        if (range !== undefined) { checkRange(range, source.size); wanted = range }
        reader = source.read(wanted).getReader()
      } else if (range !== undefined) {
        throw new InvalidArgumentError('a byte range is named by the first pull after the file opened, not midway')
      }
      const next = await reader.read()
      if (next.done === true) { reply({ kind: 'end' }); return }
      // Copy only when the chunk is a view into a bigger buffer we must not give away.
      const bytes = next.value.byteOffset === 0 && next.value.byteLength === next.value.buffer.byteLength ? next.value : next.value.slice()
      reply({ kind: 'chunk', bytes }, [bytes.buffer as ArrayBuffer])
    } catch (err) {
      reply({ kind: 'error', error: toErrorPayload(err) })
      port.close()
      onFailure?.(err)
    }
  }
}
