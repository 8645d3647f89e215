/**
 * Every failure Cairn reports has a stable `code`. Errors cross `postMessage`
 * as plain `{code, message}` (see `toErrorPayload`), plus `fileId` when the
 * failure concerns one vault file, and the UI maps codes to words; nothing
 * ever branches on message text. Throw the class of a code where it has one.
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
  // the browser keeps no site data here (a private window, or site data blocked)
  'STORAGE_UNAVAILABLE',
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
  // backup peer: deletions an append-only peer refuses; more roots than a vault may pin there;
  // a manifest naming more devices than a vault can have (its record there would outgrow any real vault)
  'DELETION_REFUSED',
  'TOO_MANY_ROOTS',
  'TOO_MANY_DEVICES',
  // a stored block whose bytes no longer hash to its CID (storage damage)
  'BLOCK_DAMAGED',
  // share links with relay addresses only, and this device has no relay
  'SHARE_NO_RELAY',
  // a caller passed a value a function does not take (a key of the wrong length, a bad id, …)
  'INVALID_ARGUMENT',
  // device pairing (/cairn/pair/1)
  'PAIRING_OFFER_INVALID',
  'PAIRING_OFFER_VERSION',
  'PAIRING_CODE_MISTYPED',
  'PAIRING_CODE_UNKNOWN',
  'PAIRING_OFFER_EXPIRED',
  'PAIRING_OFFER_USED',
  'PAIRING_OFFER_LOCKED',
  'PAIRING_SECRET_WRONG',
  'PAIRING_MESSAGE_TAMPERED',
  'PAIRING_DECLINED',
  // the other device's user cancelled while both screens compared (not a "they don't match")
  'PAIRING_CANCELLED',
  // B held the received vault key past its time without a passphrase: the key is wiped
  'PAIRING_JOIN_EXPIRED',
  // index heads and sync (issue 10): a head whose MAC fails, one older than the
  // one known (rollback), one whose seq disagrees with its block, an old
  // unauthenticated head where authenticated ones are required; sync refusals
  'INDEX_HEAD_FORGED',
  'INDEX_HEAD_ROLLED_BACK',
  'INDEX_HEAD_RESEQUENCED',
  'INDEX_HEAD_UNAUTHENTICATED',
  // another device's index ops dated far past this device's clock (merge-chain.ts)
  'INDEX_CLOCK_AHEAD',
  'SYNC_NOT_MEMBER',
  'DEVICE_REVOKED',
  // devices: "resolve a conflict" on a file shown under its own name; this device's keep-on-device rules failed authentication
  'NOT_A_CONFLICT',
  'KEEP_RULES_TAMPERED',
  // remove and rotate (issue 10): a request under a vault key the vault has replaced; a key hand-over that does not open
  'VAULT_ROTATED',
  'HANDOVER_INVALID',
  // remove and rotate again before the vault was unlocked once on the key the last rotation made
  'ROTATION_UNFINISHED',
  // a method only the desktop app answers (its own backup peer), asked of a node in a browser
  'DESKTOP_ONLY',
  // desktop: the tray icon cannot be shown (no display, no tray library, the tray program failed); the daemon runs on without it
  'TRAY_UNAVAILABLE',
  // desktop app: a window without this launch's secret (opened by hand, or the daemon restarted)
  'DESKTOP_NOT_LAUNCHED',
  // folder sync (issue 14): a path already taken on disk; no synced folder by that id; the folder cannot be read (gone, or permission not granted)
  'FOLDER_FILE_EXISTS',
  'SYNC_FOLDER_NOT_FOUND',
  'SYNC_FOLDER_UNAVAILABLE',
  'FOLDER_NOT_EMPTY',
  // folder sync: a folder on the way to a file is a symbolic link (sync never writes through one), or a path is the daemon's own data folder or inside it
  'FOLDER_PATH_UNSAFE',
  // folder sync: a name that is not UTF-8 (a Latin-1 "caf\xe9"), which no path can reach
  'FOLDER_NAME_NOT_UTF8',
  // folder sync: a name another in the folder spells the same way once normalised (NFC and NFD "café"), one vault path
  'FOLDER_NAME_DUPLICATE',
  // folder sync: the disk refused a file or folder (EACCES/EPERM, EBUSY, ENAMETOOLONG, EROFS, ENOSPC/EDQUOT, and the two below), as the card says why
  'FOLDER_ACCESS_DENIED',
  'FOLDER_FILE_BUSY',
  'FOLDER_PATH_TOO_LONG',
  'FOLDER_READ_ONLY',
  'FOLDER_DISK_FULL',
  // folder sync: the disk failed a read or write (EIO), or the device went away (ENXIO, ENODEV)
  'FOLDER_DISK_ERROR',
  // folder sync: the network share holding the folder stopped answering (ENOTCONN, ESTALE, EHOSTDOWN, ETIMEDOUT…)
  'FOLDER_SHARE_DISCONNECTED',
  // a file's thumbnail record failed authentication, is cut short or is not a small image (core/vault/thumbnails/)
  'THUMBNAIL_INVALID',
  // short-code rendezvous (/cairn/rendezvous/1): this device or its network already has as many codes waiting at the relay as it may; it looked up too many codes too fast
  'PAIRING_CODE_LIMIT',
  'PAIRING_LOOKUP_LIMIT'
] as const

export type ErrorCode = typeof ERROR_CODES[number]

/** The wire form of an error: what crosses postMessage. */
export interface ErrorPayload {
  code: ErrorCode
  message: string
  /** The vault file the failure concerns, when known. */
  fileId?: string
}

export interface CairnErrorOptions {
  cause?: unknown
  /** The vault file the failure concerns (as automerge-repo's errors carry `documentId`). */
  fileId?: string
}

export class CairnError extends Error {
  readonly code: ErrorCode
  /**
   * The vault file the failure concerns, when known. Not readonly: a read
   * path that knows which file it was reading names it on an error raised
   * below it (see `aboutFile`).
   */
  fileId?: string

  constructor (code: ErrorCode, message: string, options?: CairnErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.name = 'CairnError'
    if (options?.fileId !== undefined) this.fileId = options.fileId
  }
}

export class VaultLockedError extends CairnError {
  constructor (message = 'The vault is locked', options?: CairnErrorOptions) { super('VAULT_LOCKED', message, options) }
}

export class WrongPassphraseError extends CairnError {
  constructor (message = 'That passphrase does not open this vault', options?: CairnErrorOptions) { super('WRONG_PASSPHRASE', message, options) }
}

export class QuotaExceededError extends CairnError {
  constructor (message = 'The browser refused to store more data (storage is full)', options?: CairnErrorOptions) {
    super('QUOTA_EXCEEDED', message, options)
  }
}

/** A caller passed a value a function does not take; INTERNAL stays for broken invariants. */
export class InvalidArgumentError extends CairnError {
  constructor (message: string, options?: CairnErrorOptions) { super('INVALID_ARGUMENT', message, options) }
}

/** No such file (or share, version, Trash item); `fileId` names the file when known. */
export class FileNotFoundError extends CairnError {
  constructor (message = 'That file is not in the vault', options?: CairnErrorOptions) { super('FILE_NOT_FOUND', message, options) }
}

/** A path is taken; `fileId` names the file already at (or in the way of) that path. */
export class PathExistsError extends CairnError {
  constructor (message = 'Another file already has that name', options?: CairnErrorOptions) { super('PATH_EXISTS', message, options) }
}

export class PathInvalidError extends CairnError {
  constructor (message: string, options?: CairnErrorOptions) { super('PATH_INVALID', message, options) }
}

/** Stored or received bytes are not in the format they claim. */
export class FormatInvalidError extends CairnError {
  constructor (message: string, options?: CairnErrorOptions) { super('FORMAT_INVALID', message, options) }
}

/** The browser refuses this site any storage (a private window, or site data blocked): no vault can live here. */
export class StorageUnavailableError extends CairnError {
  constructor (message: string, options?: CairnErrorOptions) { super('STORAGE_UNAVAILABLE', message, options) }
}

/** A storage seam failed for a reason other than a full store. */
export class StorageFailedError extends CairnError {
  constructor (message: string, options?: CairnErrorOptions) { super('STORAGE_FAILED', message, options) }
}

export class IndexRecordTamperedError extends CairnError {
  constructor (message: string, options?: CairnErrorOptions) { super('INDEX_RECORD_TAMPERED', message, options) }
}

export class PeerUnreachableError extends CairnError {
  constructor (message: string, options?: CairnErrorOptions) { super('PEER_UNREACHABLE', message, options) }
}

export class AddressInvalidError extends CairnError {
  constructor (message: string, options?: CairnErrorOptions) { super('ADDRESS_INVALID', message, options) }
}

export class ConfigInvalidError extends CairnError {
  constructor (message: string, options?: CairnErrorOptions) { super('CONFIG_INVALID', message, options) }
}

/**
 * Names the file a Cairn error concerns, unless it names one already, and
 * returns it; anything else passes through unchanged.
 */
export function aboutFile (err: unknown, fileId: string): unknown {
  if (err instanceof CairnError && err.fileId === undefined) err.fileId = fileId
  return err
}

/** The first non-undefined `pick` of `err` or of what caused it (its `cause` chain, a few links deep). */
export function inCauses<T> (err: unknown, pick: (at: unknown) => T | undefined): T | undefined {
  for (let at: unknown = err, depth = 0; at !== undefined && at !== null && depth < 8; at = (at as { cause?: unknown }).cause, depth++) {
    const found = pick(at)
    if (found !== undefined) return found
  }
  return undefined
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
  if (err instanceof CairnError) {
    const payload: ErrorPayload = { code: err.code, message: err.message }
    if (err.fileId !== undefined) payload.fileId = err.fileId
    return payload
  }
  if (err instanceof Error || (typeof DOMException !== 'undefined' && err instanceof DOMException)) {
    const e = err as Error
    if (e.name === 'QuotaExceededError') return { code: 'QUOTA_EXCEEDED', message: e.message }
    if (e.name === 'AbortError') return { code: 'ABORTED', message: e.message }
    return { code: 'INTERNAL', message: e.message }
  }
  return { code: 'INTERNAL', message: String(err) }
}

/** Rebuilds an error on the receiving side of postMessage (its class, where its code has one, and its `fileId`). */
export function fromErrorPayload (payload: ErrorPayload): CairnError {
  const code = isErrorCode(payload.code) ? payload.code : 'INTERNAL'
  const options: CairnErrorOptions = typeof payload.fileId === 'string' ? { fileId: payload.fileId } : {}
  const Rebuilt = REBUILT[code]
  return Rebuilt === undefined ? new CairnError(code, payload.message, options) : new Rebuilt(payload.message, options)
}

const REBUILT: Partial<Record<ErrorCode, new (message: string, options?: CairnErrorOptions) => CairnError>> = {
  VAULT_LOCKED: VaultLockedError,
  WRONG_PASSPHRASE: WrongPassphraseError,
  QUOTA_EXCEEDED: QuotaExceededError,
  INVALID_ARGUMENT: InvalidArgumentError,
  FILE_NOT_FOUND: FileNotFoundError,
  PATH_EXISTS: PathExistsError,
  PATH_INVALID: PathInvalidError,
  FORMAT_INVALID: FormatInvalidError,
  STORAGE_FAILED: StorageFailedError,
  INDEX_RECORD_TAMPERED: IndexRecordTamperedError,
  PEER_UNREACHABLE: PeerUnreachableError,
  ADDRESS_INVALID: AddressInvalidError,
  CONFIG_INVALID: ConfigInvalidError
}

// Device pairing: one class per failure (see core/protocols/pairing/).

/** A link, QR payload or offer that is not a Cairn pairing offer (malformed, foreign, damaged). */
export class PairingOfferInvalidError extends CairnError {
  constructor (message = 'this is not a Cairn pairing offer', options?: { cause?: unknown }) { super('PAIRING_OFFER_INVALID', message, options) }
}

/** An offer in a format version this Cairn does not know. */
export class PairingOfferVersionError extends CairnError {
  constructor (message = 'the pairing offer has an unknown version') { super('PAIRING_OFFER_VERSION', message) }
}

/** A short code that fails its check digit or is not 12 digits: a typo, caught before any network use. */
export class PairingCodeMistypedError extends CairnError {
  constructor (message = 'the pairing code is mistyped') { super('PAIRING_CODE_MISTYPED', message) }
}

/** A well-formed short code that no offer directory knows (never made, expired or withdrawn). */
export class PairingCodeUnknownError extends CairnError {
  constructor (message = 'no pairing offer has this code') { super('PAIRING_CODE_UNKNOWN', message) }
}

export class PairingOfferExpiredError extends CairnError {
  constructor (message = 'the pairing offer has expired') { super('PAIRING_OFFER_EXPIRED', message) }
}

/** The offer was already consumed by a device (offers are single use). */
export class PairingOfferUsedError extends CairnError {
  constructor (message = 'the pairing offer was already used') { super('PAIRING_OFFER_USED', message) }
}

/** Too many attempts with a wrong secret: the offer was cancelled. */
export class PairingOfferLockedError extends CairnError {
  constructor (message = 'the pairing offer was cancelled after too many wrong attempts') { super('PAIRING_OFFER_LOCKED', message) }
}

export class PairingSecretWrongError extends CairnError {
  constructor (message = 'the pairing secret is wrong', options?: { cause?: unknown }) { super('PAIRING_SECRET_WRONG', message, options) }
}

/** A key-exchange message failed its MAC or did not decrypt: changed on the way. */
export class PairingMessageTamperedError extends CairnError {
  constructor (message = 'a pairing message was changed on the way', options?: { cause?: unknown }) { super('PAIRING_MESSAGE_TAMPERED', message, options) }
}

export class PairingDeclinedError extends CairnError {
  constructor (message = 'the pairing was declined on the other device') { super('PAIRING_DECLINED', message) }
}

/** A user called the pairing off (closed "Add a device", or cancelled the join) before the key was sent. */
export class PairingCancelledError extends CairnError {
  constructor (message = 'the pairing was cancelled on the other device') { super('PAIRING_CANCELLED', message) }
}

/** A rendezvous already keeps as many short codes from this device (or its IP address) as it allows; trying another lookup id will not help. */
export class PairingCodeLimitError extends CairnError {
  constructor (message = 'the rendezvous keeps no more short codes from this device or network until one expires') { super('PAIRING_CODE_LIMIT', message) }
}

/** A rendezvous refused a lookup: this device (or its IP address) looked up too many codes in a short time. */
export class PairingLookupLimitError extends CairnError {
  constructor (message = 'too many short codes looked up from this device or network; wait a minute') { super('PAIRING_LOOKUP_LIMIT', message) }
}

/** The desktop's tray icon cannot be shown here; the message says why (no display, a missing library, …). */
export class TrayUnavailableError extends CairnError {
  constructor (message: string, options?: CairnErrorOptions) { super('TRAY_UNAVAILABLE', message, options) }
}
