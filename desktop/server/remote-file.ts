import { CairnError, fromErrorPayload } from '../../core/errors.ts'
import { BLOB_CHUNK_BYTES, type BlobReplyMessage, type DaemonToPageMessage, type SocketFileDescriptor } from '../../core/rpc/socket-messages.ts'

/**
 * The page's File on the daemon (core/rpc/socket-messages.ts): what the vault
 * uses of a File (name, size, type, lastModified, stream()), its bytes pulled
 * from the page one chunk per pull as the vault reads, never held whole.
 */
export interface RemoteFile {
  readonly name: string
  readonly size: number
  readonly type: string
  readonly lastModified: number
  readonly webkitRelativePath: string
  stream: () => ReadableStream<Uint8Array>
}

/** The page's end of one socket, as the remote files of its calls see it. */
export interface BlobLine {
  send: (message: DaemonToPageMessage) => void
}

interface Waiting {
  resolve: (reply: BlobReplyMessage) => void
  reject: (err: Error) => void
}

/**
 * Every remote read of one socket: routes `blob-chunk`/`blob-end`/`blob-error`
 * to the read that pulled, and fails them all when the page goes away (the
 * vault then keeps nothing of the upload).
 */
export class RemoteBlobs {
  private readonly waiting = new Map<string, Waiting>()
  private nextRead = 0
  private gone: Error | undefined

  constructor (private readonly line: BlobLine) {}

  /** The File-like object for a descriptor of a call on this socket. */
  file (descriptor: SocketFileDescriptor): RemoteFile {
    const { blobId, name, size, type, lastModified } = descriptor
    if (typeof blobId !== 'string' || typeof name !== 'string' || typeof type !== 'string' || !Number.isSafeInteger(size) || size < 0 || typeof lastModified !== 'number') {
      throw new CairnError('INVALID_ARGUMENT', 'a file descriptor from the page is malformed')
    }
    return { name, size, type, lastModified, webkitRelativePath: '', stream: () => this.read(blobId, size) }
  }

  /** A reply from the page; false when no read waits for it (the socket then breaks the protocol). */
  reply (message: BlobReplyMessage): boolean {
    const key = readKey(message.blobId, message.readId)
    const waiting = this.waiting.get(key)
    if (waiting === undefined) return false
    this.waiting.delete(key)
    waiting.resolve(message)
    return true
  }

  /** The page went away: every read in flight and every later one fails. */
  close (err: Error): void {
    this.gone = err
    for (const waiting of this.waiting.values()) waiting.reject(err)
    this.waiting.clear()
  }

  private read (blobId: string, size: number): ReadableStream<Uint8Array> {
    const readId = this.nextRead++
    let received = 0
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const reply = await this.pull(blobId, readId)
        if (reply.kind === 'blob-error') throw fromErrorPayload(reply.error)
        if (reply.kind === 'blob-end') {
          if (received !== size) throw new CairnError('INVALID_ARGUMENT', `the page's file ended at ${received} of ${size} bytes`)
          controller.close()
          return
        }
        received += reply.bytes.byteLength
        if (reply.bytes.byteLength > BLOB_CHUNK_BYTES || received > size) throw new CairnError('INVALID_ARGUMENT', "the page sent more of a file than it announced")
        controller.enqueue(reply.bytes)
      },
      cancel: () => {
        this.waiting.delete(readKey(blobId, readId))
        if (this.gone === undefined) this.line.send({ kind: 'blob-cancel', blobId, readId })
      }
    }, { highWaterMark: 0 })
  }

  private async pull (blobId: string, readId: number): Promise<BlobReplyMessage> {
    if (this.gone !== undefined) throw this.gone
    return await new Promise<BlobReplyMessage>((resolve, reject) => {
      this.waiting.set(readKey(blobId, readId), { resolve, reject })
      this.line.send({ kind: 'blob-pull', blobId, readId })
    })
  }
}

function readKey (blobId: string, readId: number): string {
  return `${blobId}\n${readId}`
}
