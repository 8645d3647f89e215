import { signal, type ReadonlySignal } from '@preact/signals'
import type { FileInfo, FileVersion, RpcClient } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'

/** A file's "Versions" dialog: its earlier versions, and restoring one. */
export interface VersionsModel {
  /** The file whose versions are shown (the dialog is open). */
  file: ReadonlySignal<FileInfo | undefined>
  versions: ReadonlySignal<FileVersion[]>
  loading: ReadonlySignal<boolean>
  /** The version being restored. */
  restoring: ReadonlySignal<string | undefined>
  error: ReadonlySignal<string | undefined>
  /** Set after a restore: which version became current. */
  restored: ReadonlySignal<FileVersion | undefined>
  open: (file: FileInfo) => Promise<void>
  restore: (version: FileVersion) => Promise<void>
  close: () => void
}

export function createVersionsModel (client: RpcClient): VersionsModel {
  const file = signal<FileInfo | undefined>(undefined)
  const versions = signal<FileVersion[]>([])
  const loading = signal(false)
  const restoring = signal<string | undefined>(undefined)
  const error = signal<string | undefined>(undefined)
  const restored = signal<FileVersion | undefined>(undefined)

  const load = async (target: FileInfo): Promise<void> => {
    loading.value = true
    try {
      const list = await client.call('files.versions', { fileId: target.fileId })
      if (file.peek()?.fileId === target.fileId) versions.value = list
    } catch (err) {
      error.value = errorMessage(err)
    } finally {
      loading.value = false
    }
  }

  return {
    file,
    versions,
    loading,
    restoring,
    error,
    restored,
    open: async (target) => {
      file.value = target
      versions.value = []
      error.value = undefined
      restored.value = undefined
      await load(target)
    },
    restore: async (version) => {
      const target = file.peek()
      if (target === undefined || restoring.peek() !== undefined) return
      restoring.value = version.versionId
      error.value = undefined
      try {
        const current = await client.call('files.restoreVersion', { fileId: target.fileId, versionId: version.versionId })
        file.value = current
        restored.value = version
        // The content it replaced is a version now: show the list as it is.
        await load(current)
      } catch (err) {
        error.value = errorMessage(err)
      } finally {
        restoring.value = undefined
      }
    },
    close: () => {
      file.value = undefined
      versions.value = []
      restored.value = undefined
    }
  }
}
