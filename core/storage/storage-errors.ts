import { CairnError, QuotaExceededError, StorageFailedError } from '../errors.ts'

/**
 * True for "the disk or the origin's quota is full": a `QuotaExceededError`
 * DOMException in browsers, `ENOSPC`/`EDQUOT` from Node's fs.
 */
export function isQuotaError (err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const { name, code } = err as { name?: unknown, code?: unknown }
  return name === 'QuotaExceededError' || code === 'ENOSPC' || code === 'EDQUOT'
}

/**
 * Cairn's one "store full → QUOTA_EXCEEDED" mapper: wraps a failure from a
 * storage seam in a Cairn error, QUOTA_EXCEEDED for a full store,
 * STORAGE_FAILED for anything else; Cairn errors pass through. A store with
 * its own words for "full" (SQLite's SQLITE_FULL) passes its own `isFull`.
 */
export function toStorageError (err: unknown, doing: string, isFull: (err: unknown) => boolean = isQuotaError): CairnError {
  if (err instanceof CairnError) return err
  if (isFull(err)) {
    return new QuotaExceededError(`Storage is full: could not ${doing}`, { cause: err })
  }
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
  return new StorageFailedError(`Could not ${doing} (${detail})`, { cause: err })
}
