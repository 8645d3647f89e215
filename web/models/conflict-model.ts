import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { FileInfo, RpcClient } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'

/** `name (conflict, DEVICE, 2026-03-12).ext`, or with `, 2` after the date (core/index/conflict-name.ts). */
const CONFLICT_SUFFIX = / \(conflict, [^,()]*, \d{4}-\d{2}-\d{2}(?:, \d+)?\)(?=(\.[^./]*)?$)/

/** True for a conflict copy: the node says so, or (from an older node) its name does. */
export function isConflict (file: FileInfo): boolean {
  return file.conflict ?? CONFLICT_SUFFIX.test(file.path)
}

/** True for a concurrent edit shown beside its file: same fileId, its own versionId (only Download and Resolve… apply). */
export function isConcurrentEdit (file: FileInfo): boolean {
  return file.versionId !== undefined
}

/** A list key for a file row: a concurrent edit shares its file's id, so its versionId tells them apart. */
export function rowKey (file: FileInfo): string {
  return file.versionId === undefined ? file.fileId : `${file.fileId}:${file.versionId}`
}

/** The path the conflict copy lost: what the node says, else its name without the conflict part. */
export function conflictOriginal (file: FileInfo): string {
  return file.conflictOf ?? file.path.replace(CONFLICT_SUFFIX, '')
}

export type ConflictChoice = 'this' | 'other' | 'both'

/** "Resolve…" on a conflict copy's row: keep this one, keep the other, or keep both. */
export interface ConflictModel {
  /** The conflict copy being resolved (the dialog is open). */
  resolving: ReadonlySignal<FileInfo | undefined>
  /** The file now at the path the copy lost, when it is in the list. */
  other: ReadonlySignal<FileInfo | undefined>
  busy: ReadonlySignal<ConflictChoice | undefined>
  error: ReadonlySignal<string | undefined>
  open: (file: FileInfo) => void
  choose: (keep: ConflictChoice) => Promise<void>
  close: () => void
}

export function createConflictModel (client: RpcClient, files: ReadonlySignal<FileInfo[]>): ConflictModel {
  const resolving = signal<FileInfo | undefined>(undefined)
  const busy = signal<ConflictChoice | undefined>(undefined)
  const error = signal<string | undefined>(undefined)
  return {
    resolving,
    other: computed(() => {
      const file = resolving.value
      if (file === undefined) return undefined
      const path = conflictOriginal(file)
      return files.value.find(f => f.path === path && f.fileId !== file.fileId)
    }),
    busy,
    error,
    open: (file) => {
      resolving.value = file
      error.value = undefined
    },
    choose: async (keep) => {
      const file = resolving.value
      if (file === undefined || busy.value !== undefined) return
      busy.value = keep
      error.value = undefined
      try {
        await client.call('files.resolveConflict', { fileId: file.fileId, keep, ...(file.versionId !== undefined ? { versionId: file.versionId } : {}) })
        resolving.value = undefined
      } catch (err) {
        error.value = errorMessage(err)
      } finally {
        busy.value = undefined
      }
    },
    close: () => {
      if (busy.value !== undefined) return
      resolving.value = undefined
    }
  }
}
