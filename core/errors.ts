/**
 * Every failure Cairn reports has a stable `code`. Errors cross `postMessage`
 * as plain `{code, message}` (see `toErrorPayload`) and the UI maps codes to
 * words; nothing ever branches on message text.
 */

export const ERROR_CODES = [
  // vault and keys
  'VAULT_LOCKED',
  'VAULT_EXISTS',
  'VAULT_NOT_FOUND',
  'WRONG_PASSPHRASE',
  'WEAK_PASSPHRASE',
  'BAD_RECOVERY_PHRASE',
  'WRONG_RECOVERY_PHRASE',
  'KDF_PARAMS_OUT_OF_BOUNDS',
  'KEY_UNWRAP_FAILED',
  // encrypted file (STREAM) format
  'FORMAT_INVALID',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_ALGORITHM',
  'HEADER_TAMPERED',
  'WRONG_KEY',
  'KEY_COMMITMENT_FAILED',
  'CHUNK_TAMPERED',
  'CHUNK_REORDERED',
  'CHUNK_DUPLICATED',
  'STREAM_TRUNCATED',
  'EXTRA_FINAL_CHUNK',
  'TRAILING_DATA',
  // index log
  'INDEX_RECORD_TAMPERED',
  'INDEX_CHAIN_BROKEN',
  // files and storage
  'FILE_NOT_FOUND',
  'PATH_INVALID',
  'PATH_EXISTS',
  'BLOCK_NOT_FOUND',
  'QUOTA_EXCEEDED',
  'STORAGE_FAILED',
  // network
  'ADDRESS_INVALID',
  'PEER_UNREACHABLE',
  // backup peer
  'PAIRING_REFUSED',
  'NOT_PAIRED',
  'BAD_SIGNATURE',
  'REQUEST_EXPIRED',
  'REQUEST_TOO_LARGE',
  'MANIFEST_GAP',
  // share links
  'SHARE_LINK_DAMAGED',
  'SHARE_RECORD_TAMPERED',
  'SHARE_EXPIRY_INVALID',
  'SHARE_UNAVAILABLE',
  'SHARE_FOLDER_TOO_LARGE',
  'SHARE_CONTENT_MISMATCH',
  // server processes (relay, backup peer): a bad flag, variable or config file
  'CONFIG_INVALID',
  // plumbing
  'ABORTED',
  'NODE_UNAVAILABLE',
  'SERVICE_WORKER_MISSING',
  'RPC_UNKNOWN_METHOD',
  'INTERNAL',
  // a name that is "." or ".." (they mean this folder and the folder above)
  'PATH_DOT_NAME',
  // backup peer: deletions an append-only peer refuses; more roots than a vault may pin there
  'DELETION_REFUSED',
  'TOO_MANY_ROOTS',
  // a stored block whose bytes no longer hash to its CID (storage damage)
  'BLOCK_DAMAGED',
  // share links with relay addresses only, and this device has no relay
  'SHARE_NO_RELAY',
  // devices: "resolve a conflict" on a file shown under its own name; this device's keep-on-device rules failed authentication
  'NOT_A_CONFLICT',
  'KEEP_RULES_TAMPERED'
] as const

export type ErrorCode = typeof ERROR_CODES[number]

/** The wire form of an error: what crosses postMessage. */
export interface ErrorPayload {
  code: ErrorCode
  message: string
}

export class CairnError extends Error {
  readonly code: ErrorCode

  constructor (code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = 'CairnError'
  }
}

export class VaultLockedError extends CairnError {
  constructor (message = 'The vault is locked') { super('VAULT_LOCKED', message) }
}

export class WrongPassphraseError extends CairnError {
  constructor (message = 'That passphrase does not open this vault') { super('WRONG_PASSPHRASE', message) }
}

export class QuotaExceededError extends CairnError {
  constructor (message = 'The browser refused to store more data (storage is full)', options?: { cause?: unknown }) {
    super('QUOTA_EXCEEDED', message, options)
  }
}

export function isErrorCode (value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}

/** True when `err` is a Cairn error with the given code (or any code). */
export function isCairnError (err: unknown, code?: ErrorCode): err is CairnError {
  return err instanceof CairnError && (code === undefined || err.code === code)
}

/**
 * Turns anything thrown into the plain object that crosses postMessage.
 * Browser quota errors become QUOTA_EXCEEDED so the UI can say "storage is full".
 */
export function toErrorPayload (err: unknown): ErrorPayload {
  if (err instanceof CairnError) return { code: err.code, message: err.message }
  if (err instanceof Error || (typeof DOMException !== 'undefined' && err instanceof DOMException)) {
    const e = err as Error
    if (e.name === 'QuotaExceededError') return { code: 'QUOTA_EXCEEDED', message: e.message }
    if (e.name === 'AbortError') return { code: 'ABORTED', message: e.message }
    return { code: 'INTERNAL', message: e.message }
  }
  return { code: 'INTERNAL', message: String(err) }
}

/** Rebuilds an error on the receiving side of postMessage. */
export function fromErrorPayload (payload: ErrorPayload): CairnError {
  return new CairnError(isErrorCode(payload.code) ? payload.code : 'INTERNAL', payload.message)
}
