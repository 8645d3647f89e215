import { createStore, del, get } from 'idb-keyval'
import { FOLDER_HANDLE_DB, FOLDER_HANDLE_STORE } from '../../core/rpc/folder-handle-store.ts'
import type { FolderOpener } from '../../core/folder-sync/folder-sync-service.ts'
import { FsAccessFolderSource } from './fs-access-folder-source.ts'

/** `queryPermission` (Chromium; not in TypeScript's lib yet). */
interface PermissionHandle { queryPermission?: (options: { mode: 'readwrite' }) => Promise<PermissionState> }

/**
 * The node worker's way to folders: the handle the page stored under the
 * folder's key. After a restart the browser may want the user to allow the
 * folder again: the folder then waits as 'needs-permission' until the page
 * asks (one click) and calls `sync.resume`.
 */
export function handleFolderOpener (): FolderOpener {
  const store = createStore(FOLDER_HANDLE_DB, FOLDER_HANDLE_STORE)
  return {
    open: async (location) => {
      if (location.kind !== 'handle') return { state: 'unavailable', error: 'SYNC_FOLDER_UNAVAILABLE' }
      const handle = await get<FileSystemDirectoryHandle>(location.key, store)
      if (handle === undefined) return { state: 'unavailable', error: 'SYNC_FOLDER_UNAVAILABLE' }
      const permission = await (handle as PermissionHandle).queryPermission?.({ mode: 'readwrite' }) ?? 'granted'
      if (permission !== 'granted') return { state: 'needs-permission' }
      return new FsAccessFolderSource(handle)
    },
    forget: async (location) => {
      if (location.kind === 'handle') await del(location.key, store)
    }
  }
}
