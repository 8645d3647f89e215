import type { ErrorPayload } from '../../core/errors.ts'
import type { SealedChunk } from '../../core/storage/chunk-sealer.ts'

/** Node worker → seal worker: the per-chunk work of one file's add or read (core/storage/chunk-sealer.ts). */
export type SealRequest =
  /** A file's key (a transferred copy the worker wipes) and its STREAM header. */
  | { type: 'open', session: number, fileKey: Uint8Array, header: Uint8Array }
  | { type: 'seal', session: number, id: number, index: number, last: boolean, plaintext: Uint8Array }
  | { type: 'unseal', session: number, id: number, index: number, last: boolean, ciphertext: Uint8Array }
  | { type: 'close', session: number }

export type SealReply =
  | { id: number, ok: true, sealed: SealedChunk }
  /** `plaintext` null: the chunk did not authenticate at that position; then `ciphertext` hands the request's bytes back. */
  | { id: number, ok: true, plaintext: Uint8Array | null, ciphertext?: Uint8Array }
  | { id: number, ok: false, error: ErrorPayload }
