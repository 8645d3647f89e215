import type { ErrorPayload } from '../errors.ts'
import type { ByteRange } from '../storage/range-read.ts'

/**
 * Pull-based streaming of one file's plaintext over a MessagePort, used by the
 * service worker to answer `/download/<fileId>` without holding the file in
 * memory: the reader sends `pull`, the node answers with one `chunk` (its
 * buffer transferred, not copied), `end`, or `error`. One chunk in flight per
 * pull gives backpressure for free.
 *
 * The first pull opens the file and is answered with `meta`. The next one
 * may name a `range` of it (an HTTP Range request: core/rpc/http-ranges.ts);
 * the node then streams only those bytes, reading and decrypting only the
 * chunks that hold them. A range anywhere else, or one that is not integers
 * within the file's size, is answered with an INVALID_ARGUMENT error.
 */
export type FileStreamRequest =
  | { kind: 'pull', range?: ByteRange }
  | { kind: 'cancel' }

export type FileStreamReply =
  /** `etag`: a strong validator of the content (its CID), so a resumed download can check it still gets the same file. */
  | { kind: 'meta', name: string, size: number, type: string, etag?: string }
  | { kind: 'chunk', bytes: Uint8Array }
  | { kind: 'end' }
  | { kind: 'error', error: ErrorPayload }

/**
 * Set on every answer of the service worker's download routes ('file', or
 * 'error' on its error pages): a worker fetching one (files.addShared) can
 * tell it from a page of the network that happened to answer the same URL.
 */
export const STREAMED_BY_CAIRN_HEADER = 'X-Cairn-Stream'

/**
 * The id of the sentence on the service worker's error pages (sw/error-page.ts):
 * the page that started a download in a frame (web/lib/download-frame.ts) reads it there.
 */
export const ERROR_PAGE_DETAIL_ID = 'cairn-error-detail'
