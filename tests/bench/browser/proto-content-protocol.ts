/**
 * The dedup tag a prototype computes: DESIGN §3's keyed BLAKE3, or (only to
 * price a cheaper tag, not a format anyone agreed on) HMAC-SHA-256 under the
 * dedup key over the SHA-256 of each 1 MiB plaintext piece, all in WebCrypto.
 */
export type TagAlgorithm = 'blake3' | 'sha256-list'

/** Requests to the prototype content worker (proto-content-worker.ts). */
export type ContentRequest =
  /** Read `file`, tag it when `dedupKey` is given, encrypt it, send the ciphertext pieces on `port`. */
  | { type: 'encrypt', id: number, file: Blob, fileKey: Uint8Array, dedupKey?: Uint8Array, port: MessagePort }
  /** Read `file`, tag it, and pass every plaintext piece on to `out` (transferred: the file is read once). */
  | { type: 'tag-forward', id: number, file: Blob, dedupKey: Uint8Array, out: MessagePort, tag: TagAlgorithm }
  /** Encrypt the plaintext pieces arriving on `in`, send the ciphertext pieces on `out`. */
  | { type: 'encrypt-port', id: number, fileKey: Uint8Array, in: MessagePort, out: MessagePort }
  /** Decrypt the ciphertext pieces arriving on `port`; count (and with `hash`, BLAKE3) the plaintext. */
  | { type: 'decrypt', id: number, fileKey: Uint8Array, hash: boolean, port: MessagePort }

export type ContentReply =
  | { id: number, ok: true, tag?: Uint8Array, bytes?: number, blake3?: string }
  | { id: number, ok: false, message: string }
