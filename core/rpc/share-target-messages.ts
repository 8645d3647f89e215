/**
 * Files shared to Cairn from the OS share sheet (sw/share-target-route.ts):
 * what the service worker holds for the page, and the page's one question.
 * They are plaintext held in the service worker's memory, and any website
 * can post to the share target, so what one share may leave there is capped.
 */

/** At most this many files from one share; the rest are refused (a share sheet sends a handful). */
export const SHARE_TARGET_MAX_FILES = 50
/** At most this many bytes in all from one share (250 MB): a phone's batch of photos fits, a long video is refused. */
export const SHARE_TARGET_MAX_BYTES = 250_000_000
/** A request body larger than this is not even read: everything in it is refused. */
export const SHARE_TARGET_MAX_BODY_BYTES = 4 * SHARE_TARGET_MAX_BYTES

/**
 * A file the service worker did not keep: past the count, past the bytes, or
 * (name '') a whole share too large to read.
 */
export interface RefusedSharedFile {
  name: string
  size: number
  reason: 'too-many' | 'too-large' | 'share-too-large'
}

/** The page asks for the files held under `id`; the answer comes through `event.ports[0]`. */
export interface SharedFilesTake { kind: 'shared-files-take', id: string }

export type SharedFilesReply =
  | { kind: 'shared-files', files: File[], refused: RefusedSharedFile[] }
  | { kind: 'shared-files-lost' }

/** The service worker's answer to SharedFilesTake, read from whatever came back; undefined when it is neither reply. */
export function readSharedFilesReply (answer: unknown): SharedFilesReply | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined
  const { kind, files, refused } = answer as { kind?: unknown, files?: unknown, refused?: unknown }
  if (kind === 'shared-files-lost') return { kind }
  if (kind !== 'shared-files' || !Array.isArray(files)) return undefined
  return {
    kind,
    files: files.filter((f): f is File => f instanceof File),
    refused: Array.isArray(refused) ? refused.filter(isRefused) : []
  }
}

function isRefused (value: unknown): value is RefusedSharedFile {
  if (typeof value !== 'object' || value === null) return false
  const { name, size, reason } = value as Partial<RefusedSharedFile>
  return typeof name === 'string' && typeof size === 'number' && (reason === 'too-many' || reason === 'too-large' || reason === 'share-too-large')
}
