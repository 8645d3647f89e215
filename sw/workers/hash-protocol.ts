import type { ErrorPayload } from '../../core/errors.ts'

export interface HashRequest {
  id: number
  /** A copy of the dedup subkey (the worker wipes it when done). */
  key: Uint8Array
  file: Blob
}

export type HashReply =
  | { id: number, ok: true, tag: Uint8Array }
  | { id: number, ok: false, error: ErrorPayload }
