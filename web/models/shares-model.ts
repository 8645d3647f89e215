import type { ReadonlySignal } from '@preact/signals'
import type { RpcClient } from '../../core/rpc/api.ts'
import type { IntervalTimers } from '../lib/live-refresh.ts'
import { createFolderShareModel, type FolderShareModel } from './folder-share-model.ts'
import { createShareDialogModel, type NativeShareData, type ShareDialogModel } from './share-dialog-model.ts'
import { createShareListModel, type ShareListModel } from './share-list-model.ts'
import { createStopShareModel, type StopShareModel } from './stop-share-model.ts'

export { SHARES_REFRESH_MS } from './share-list-model.ts'
export { subjectPath, type NativeShareData, type ShareSubject } from './share-dialog-model.ts'

export interface SharesInit {
  client: RpcClient
  /** `navigator.share` where the browser has one; absent: no "Share…" button. */
  nativeShare?: (data: NativeShareData) => Promise<void>
  /** Milliseconds clock (tests fix it). */
  now?: () => number
  pollMs?: number
  timers?: IntervalTimers
}

/**
 * Share links, as the Shares page and the Files page's Share dialog use them:
 * the "My shares" list (share-list-model.ts), the Share dialog of a file or a
 * folder link (share-dialog-model.ts), "Share a folder" (folder-share-model.ts)
 * and Stop sharing (stop-share-model.ts), each with one job; this joins them.
 */
export interface SharesModel extends ShareListModel, ShareDialogModel, FolderShareModel, StopShareModel {
  /** Refreshes the list now, on `shares.changed` and on a slow timer, and loads the folders; returns the stop (call it when the page closes). */
  open: () => () => void
  /** "Relay addresses only", for the dialog and the folder form alike. */
  relayOnly: ReadonlySignal<boolean>
  setRelayOnly: (value: boolean) => void
  /** Forgets the list, links (they carry keys) and dialogs (on lock). */
  reset: () => void
}

export function createSharesModel (init: SharesInit): SharesModel {
  const now = init.now ?? Date.now
  const { open: openList, willList, remove, reset: resetList, ...list } = createShareListModel(init)
  const { showFolderLink, reset: resetDialog, ...dialog } = createShareDialogModel({ client: init.client, ...(init.nativeShare !== undefined ? { nativeShare: init.nativeShare } : {}), now, willList })
  const { open: openFolders, clearError, reset: resetFolders, ...folder } = createFolderShareModel({ client: init.client, now, relayOnly: dialog.relayOnly, willList, showLink: showFolderLink })
  const { reset: resetStop, ...stop } = createStopShareModel(init.client, remove)
  return {
    ...list,
    ...dialog,
    ...folder,
    ...stop,
    open: () => {
      const stopList = openList()
      const stopFolders = openFolders()
      return () => { stopList(); stopFolders() }
    },
    setRelayOnly: (value) => {
      dialog.setRelayOnly(value)
      clearError()
    },
    reset: () => {
      resetList()
      resetDialog()
      resetFolders()
      resetStop()
    }
  }
}
