import { BLOB_CHUNK_BYTES, type BlobCancelMessage, type BlobPullMessage, type BlobReplyMessage, type SocketFileDescriptor } from '../../core/rpc/socket-messages.ts'

/** What the page serves of a File: its metadata and fresh streams of its bytes. */
export type PageFile = Pick<File, 'name' | 'size' | 'type' | 'lastModified' | 'stream'>

interface Read {
  reader: ReadableStreamDefaultReader<Uint8Array>
  /** What is left of a chunk bigger than BLOB_CHUNK_BYTES. */
  rest: Uint8Array | undefined
}

/**
 * The page's files the daemon is reading (core/rpc/socket-messages.ts): each
 * `blob-pull` is answered with one chunk of at most BLOB_CHUNK_BYTES, so the
 * page sends no more than the daemon asked. A file stays until its call's
 * result arrives or the line drops.
 */
export class PageBlobs {
  private readonly files = new Map<string, { callId: string, file: PageFile }>()
  private readonly reads = new Map<string, Read>()

  constructor (private readonly reply: (message: BlobReplyMessage) => void) {}

  /** Keeps `file` for the call `callId`; returns what the socket carries instead. */
  add (callId: string, file: PageFile): SocketFileDescriptor {
    const blobId = crypto.randomUUID()
    this.files.set(blobId, { callId, file })
    return { blobId, name: file.name, size: file.size, type: file.type, lastModified: file.lastModified }
  }

  /** The call is answered: its files and their reads go. */
  release (callId: string): void {
    for (const [blobId, entry] of this.files) {
      if (entry.callId !== callId) continue
      this.files.delete(blobId)
      for (const [key, read] of this.reads) if (key.startsWith(`${blobId}\n`)) this.drop(key, read)
    }
  }

  /** The line dropped: nothing more will be pulled. */
  clear (): void {
    for (const [key, read] of this.reads) this.drop(key, read)
    this.files.clear()
  }

  async pull ({ blobId, readId }: BlobPullMessage): Promise<void> {
    const key = `${blobId}\n${readId}`
    try {
      let read = this.reads.get(key)
      if (read === undefined) {
        const entry = this.files.get(blobId)
        if (entry === undefined) throw new Error('that file is no longer offered')
        read = { reader: entry.file.stream().getReader(), rest: undefined }
        this.reads.set(key, read)
      }
      let bytes = read.rest
      read.rest = undefined
      if (bytes === undefined) {
        const next = await read.reader.read()
        if (next.done) { this.reads.delete(key); this.reply({ kind: 'blob-end', blobId, readId }); return }
        bytes = next.value
      }
      if (bytes.byteLength > BLOB_CHUNK_BYTES) {
        read.rest = bytes.subarray(BLOB_CHUNK_BYTES)
        bytes = bytes.subarray(0, BLOB_CHUNK_BYTES)
      }
      this.reply({ kind: 'blob-chunk', blobId, readId, bytes })
    } catch {
      // The browser could not read the file (changed or removed on disk since it was chosen).
      this.reads.delete(key)
      this.reply({ kind: 'blob-error', blobId, readId, error: { code: 'INTERNAL', message: 'the browser could not read the file' } })
    }
  }

  cancel ({ blobId, readId }: BlobCancelMessage): void {
    const key = `${blobId}\n${readId}`
    const read = this.reads.get(key)
    if (read !== undefined) this.drop(key, read)
  }

  private drop (key: string, read: Read): void {
    this.reads.delete(key)
    void read.reader.cancel().catch(() => {})
  }
}
