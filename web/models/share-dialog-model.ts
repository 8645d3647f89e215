import { signal, type ReadonlySignal } from '@preact/signals'
import type { FileInfo, RpcClient, ShareInfo } from '../../core/rpc/api.ts'
import { errorMessage, messageForCode } from '../error-messages.ts'
import { expiryOf } from './share-fields.ts'

/** What the system share sheet takes (`navigator.share`). */
export interface NativeShareData { title: string, url: string }

/** What a Share dialog is for: one file, or a snapshot of a folder (a vault path prefix, no trailing '/'). */
export type ShareSubject = { file: FileInfo } | { folder: string }

/** The dialog's title words: the file's or the folder's path. */
export const subjectPath = (subject: ShareSubject): string => 'file' in subject ? subject.file.path : subject.folder

/** The Share dialog: a file's optional expiry, create, then the link, its QR code and the share sheet. */
export interface ShareDialogModel {
  /** What the open Share dialog is for. */
  sharing: ReadonlySignal<ShareSubject | undefined>
  /** The date field's value, "YYYY-MM-DD" or '' for never. */
  expiresOn: ReadonlySignal<string>
  createBusy: ReadonlySignal<boolean>
  createError: ReadonlySignal<string | undefined>
  /** The share just made (the dialog shows its link). */
  created: ReadonlySignal<ShareInfo | undefined>
  showQr: ReadonlySignal<boolean>
  /** How many backup peers this vault has, once the node said (for the dialog's words on where the link works). */
  backupPeers: ReadonlySignal<number | undefined>
  canShareNative: boolean
  nativeShareError: ReadonlySignal<string | undefined>
  startShare: (file: FileInfo) => void
  setExpiresOn: (value: string) => void
  /**
   * "Relay addresses only" (file and folder links alike): the link names the
   * relay, never the backup peer's own address. Off by default: it needs the
   * peer to hold a reservation on this device's relay, and a link from a
   * public app never carries a LAN address anyway (core/share/share-hints.ts).
   */
  relayOnly: ReadonlySignal<boolean>
  setRelayOnly: (value: boolean) => void
  create: () => Promise<void>
  toggleQr: () => void
  /** Opens the system share sheet with the link; the user cancelling it is not an error. */
  shareNative: () => Promise<void>
  closeShare: () => void
}

export interface ShareDialogControl extends ShareDialogModel {
  /** Opens the dialog on a folder link already made, unless another dialog is open. */
  showFolderLink: (folder: string, share: ShareInfo) => void
  /** Closes the dialog and forgets its link (it carries a key) on lock. */
  reset: () => void
}

export interface ShareDialogInit {
  client: RpcClient
  /** `navigator.share` where the browser has one; absent: no "Share…" button. */
  nativeShare?: (data: NativeShareData) => Promise<void>
  /** Milliseconds clock (tests fix it). */
  now: () => number
  /** Lists a share once made (see ShareListControl.willList). */
  willList: () => (share: ShareInfo) => void
}

export function createShareDialogModel (init: ShareDialogInit): ShareDialogControl {
  const { client, nativeShare } = init
  const sharing = signal<ShareSubject | undefined>(undefined)
  const expiresOn = signal('')
  const relayOnly = signal(false)
  const createBusy = signal(false)
  const createError = signal<string | undefined>(undefined)
  const created = signal<ShareInfo | undefined>(undefined)
  const showQr = signal(false)
  const nativeShareError = signal<string | undefined>(undefined)
  const backupPeers = signal<number | undefined>(undefined)
  let stopWatch: (() => void) | undefined
  // While the link shows, a backup peer's hold on it changes its words (shares.changed says when).
  const watch = (share: ShareInfo): void => {
    stopWatch?.()
    const run = dialogRun
    const reread = async (): Promise<void> => {
      try {
        const [list, peers] = await Promise.all([client.call('shares.list', undefined), client.call('backup.list', undefined)])
        if (run !== dialogRun) return
        backupPeers.value = peers.length
        const now = list.find(s => s.id === share.id)
        if (now !== undefined && created.value?.id === share.id) created.value = now
      } catch {
        // The words stay as they were; the link itself is unaffected.
      }
    }
    stopWatch = client.on('shares.changed', () => { void reread() })
    void reread()
  }
  // Bumped whenever the Share dialog opens or closes: a link made for a dialog since closed is not shown in a new one.
  let dialogRun = 0

  const closeShare = (): void => {
    dialogRun++
    stopWatch?.()
    stopWatch = undefined
    backupPeers.value = undefined
    sharing.value = undefined
    createBusy.value = false
    created.value = undefined
    showQr.value = false
    createError.value = undefined
    nativeShareError.value = undefined
  }

  return {
    sharing,
    expiresOn,
    createBusy,
    createError,
    created,
    showQr,
    backupPeers,
    canShareNative: nativeShare !== undefined,
    nativeShareError,
    startShare: (file) => {
      closeShare()
      sharing.value = { file }
      expiresOn.value = ''
    },
    setExpiresOn: (value) => {
      expiresOn.value = value
      createError.value = undefined
    },
    relayOnly,
    setRelayOnly: (value) => {
      relayOnly.value = value
      createError.value = undefined
    },
    create: async () => {
      const subject = sharing.value
      // A folder's dialog opens with its link already made (showFolderLink).
      if (subject === undefined || !('file' in subject) || createBusy.value || created.value !== undefined) return
      const { file } = subject
      const expiresAt = expiryOf(expiresOn.value, init.now())
      if (expiresAt === null) {
        createError.value = messageForCode('SHARE_EXPIRY_INVALID')
        return
      }
      const run = dialogRun
      const list = init.willList()
      createBusy.value = true
      createError.value = undefined
      try {
        const share = await client.call('shares.create', { fileId: file.fileId, relayOnly: relayOnly.value, ...(expiresAt === undefined ? {} : { expiresAt }) })
        list(share)
        // Closed while the copy was being made: the share is listed, the old dialog stays closed.
        if (run === dialogRun) {
          created.value = share
          watch(share)
        }
      } catch (err) {
        if (run === dialogRun) createError.value = errorMessage(err)
      } finally {
        if (run === dialogRun) createBusy.value = false
      }
    },
    toggleQr: () => { showQr.value = !showQr.value },
    shareNative: async () => {
      const share = created.value
      if (share === undefined || nativeShare === undefined) return
      nativeShareError.value = undefined
      try {
        await nativeShare({ title: share.name, url: share.link })
      } catch (err) {
        // The user closed the share sheet: nothing went wrong.
        if ((err as { name?: unknown }).name === 'AbortError') return
        nativeShareError.value = "Couldn't open the share sheet. Copy the link instead."
      }
    },
    closeShare,
    showFolderLink: (folder, share) => {
      // Another Share dialog opened meanwhile keeps its place; this link is in the list.
      if (sharing.value !== undefined) return
      closeShare()
      sharing.value = { folder }
      created.value = share
      watch(share)
    },
    reset: () => {
      closeShare()
      expiresOn.value = ''
    }
  }
}
