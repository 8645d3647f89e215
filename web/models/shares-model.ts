import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { FileInfo, RpcClient, ShareInfo } from '../../core/rpc/api.ts'
import { errorCodeOf, errorMessage, messageForCode } from '../error-messages.ts'
import { liveRefresh, type IntervalTimers } from '../lib/live-refresh.ts'
import { expiryOf, foldersOf } from './share-fields.ts'
import { createStopShareModel, type StopShareModel } from './stop-share-model.ts'

/**
 * How often "My shares" re-reads the list while it is open. `shares.changed`
 * covers most changes; the timer catches an expiry passing, which no event
 * announces.
 */
export const SHARES_REFRESH_MS = 15_000

/** What the system share sheet takes (`navigator.share`). */
export interface NativeShareData { title: string, url: string }

export interface SharesInit {
  client: RpcClient
  /** `navigator.share` where the browser has one; absent: no "Share…" button. */
  nativeShare?: (data: NativeShareData) => Promise<void>
  /** Milliseconds clock (tests fix it). */
  now?: () => number
  pollMs?: number
  timers?: IntervalTimers
}

/** What a Share dialog is for: one file, or a snapshot of a folder (a vault path prefix, no trailing '/'). */
export type ShareSubject = { file: FileInfo } | { folder: string }

/** The dialog's title words: the file's or the folder's path. */
export const subjectPath = (subject: ShareSubject): string => 'file' in subject ? subject.file.path : subject.folder

/**
 * Share links: the Share dialog of a file (optional expiry, create, the link
 * and its QR code), "Share a folder" on the Shares page (the same dialog shows
 * its link), and the "My shares" list (Stop sharing after confirmation).
 */
export interface SharesModel extends StopShareModel {
  /** Newest first. */
  shares: ReadonlySignal<ShareInfo[]>
  /** False until the first list arrives. */
  loaded: ReadonlySignal<boolean>
  error: ReadonlySignal<string | undefined>
  /** Refreshes now, on `shares.changed` and on a slow timer; returns the stop (call it when the page closes). */
  open: () => () => void
  refresh: () => Promise<void>

  /** What the open Share dialog is for. */
  sharing: ReadonlySignal<ShareSubject | undefined>
  /** The date field's value, "YYYY-MM-DD" or '' for never. */
  expiresOn: ReadonlySignal<string>
  createBusy: ReadonlySignal<boolean>
  createError: ReadonlySignal<string | undefined>
  /** The share just made (the dialog shows its link). */
  created: ReadonlySignal<ShareInfo | undefined>
  showQr: ReadonlySignal<boolean>
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

  /** Every folder in the vault (each proper path prefix of a file path), sorted; loaded by open(). */
  folders: ReadonlySignal<string[]>
  foldersLoaded: ReadonlySignal<boolean>
  /** The folder "Share folder" shares: the one picked, else the first. */
  folderChoice: ReadonlySignal<string | undefined>
  /** The folder form's date field, "YYYY-MM-DD" or ''. */
  folderExpiresOn: ReadonlySignal<string>
  folderBusy: ReadonlySignal<boolean>
  folderError: ReadonlySignal<string | undefined>
  chooseFolder: (folder: string) => void
  setFolderExpiresOn: (value: string) => void
  /** Makes a snapshot link of the chosen folder, then opens the Share dialog on it. */
  shareFolder: () => Promise<void>

  /** Forgets the list, links (they carry keys) and dialogs (on lock). */
  reset: () => void
}

const newestFirst = (list: ShareInfo[]): ShareInfo[] => [...list].sort((a, b) => b.createdAt - a.createdAt)

export function createSharesModel (init: SharesInit): SharesModel {
  const { client, nativeShare } = init
  const clock = init.now ?? Date.now
  const shares = signal<ShareInfo[]>([])
  const loaded = signal(false)
  const error = signal<string | undefined>(undefined)
  const sharing = signal<ShareSubject | undefined>(undefined)
  const expiresOn = signal('')
  const relayOnly = signal(false)
  const createBusy = signal(false)
  const createError = signal<string | undefined>(undefined)
  const created = signal<ShareInfo | undefined>(undefined)
  const showQr = signal(false)
  const nativeShareError = signal<string | undefined>(undefined)
  const { reset: resetStop, ...stop } = createStopShareModel(client, (id) => { shares.value = shares.value.filter(s => s.id !== id) })
  const folders = signal<string[]>([])
  const foldersLoaded = signal(false)
  const picked = signal<string | undefined>(undefined)
  const folderChoice = computed(() => {
    const list = folders.value
    const choice = picked.value
    return choice !== undefined && list.includes(choice) ? choice : list[0]
  })
  const folderExpiresOn = signal('')
  const folderBusy = signal(false)
  const folderError = signal<string | undefined>(undefined)

  // Bumped by reset(): a list that was in flight when the vault locked is dropped.
  let generation = 0
  // Bumped whenever the Share dialog opens or closes: a link made for a dialog since closed is not shown in a new one.
  let dialogRun = 0

  const refresh = async (): Promise<void> => {
    const asked = generation
    try {
      const list = await client.call('shares.list', undefined)
      if (asked !== generation) return
      shares.value = newestFirst(list)
      loaded.value = true
      error.value = undefined
    } catch (err) {
      if (asked !== generation) return
      // While locked the list is cleared anyway; don't show VAULT_LOCKED over it.
      if (errorCodeOf(err) !== 'VAULT_LOCKED') error.value = errorMessage(err)
    }
  }

  // Only the folder names are kept, not the file list.
  const refreshFolders = async (): Promise<void> => {
    const asked = generation
    try {
      const list = await client.call('files.list', undefined)
      if (asked !== generation) return
      folders.value = foldersOf(list.map(f => f.path))
      foldersLoaded.value = true
    } catch (err) {
      if (asked !== generation) return
      if (errorCodeOf(err) !== 'VAULT_LOCKED') folderError.value = errorMessage(err)
    }
  }

  /** Adds a share just made to the list (unless the vault locked meanwhile). */
  const listMade = (share: ShareInfo, asked: number): void => {
    if (asked === generation) shares.value = newestFirst([share, ...shares.value.filter(s => s.id !== share.id)])
  }

  const closeShare = (): void => {
    dialogRun++
    sharing.value = undefined
    createBusy.value = false
    created.value = undefined
    showQr.value = false
    createError.value = undefined
    nativeShareError.value = undefined
  }

  return {
    shares,
    loaded,
    error,
    open: () => {
      const stopShares = liveRefresh(client, 'shares.changed', refresh, init.pollMs ?? SHARES_REFRESH_MS, init.timers)
      const offFiles = client.on('files.changed', () => { void refreshFolders() })
      void refreshFolders()
      return () => { stopShares(); offFiles() }
    },
    refresh,
    sharing,
    expiresOn,
    createBusy,
    createError,
    created,
    showQr,
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
      folderError.value = undefined
    },
    create: async () => {
      const subject = sharing.value
      // A folder's dialog opens with its link already made (shareFolder).
      if (subject === undefined || !('file' in subject) || createBusy.value || created.value !== undefined) return
      const { file } = subject
      const expiresAt = expiryOf(expiresOn.value, clock())
      if (expiresAt === null) {
        createError.value = messageForCode('SHARE_EXPIRY_INVALID')
        return
      }
      const run = dialogRun
      const asked = generation
      createBusy.value = true
      createError.value = undefined
      try {
        const share = await client.call('shares.create', { fileId: file.fileId, relayOnly: relayOnly.value, ...(expiresAt === undefined ? {} : { expiresAt }) })
        listMade(share, asked)
        // Closed while the copy was being made: the share is listed, the old dialog stays closed.
        if (run === dialogRun) created.value = share
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
    folders,
    foldersLoaded,
    folderChoice,
    folderExpiresOn,
    folderBusy,
    folderError,
    chooseFolder: (folder) => {
      picked.value = folder
      folderError.value = undefined
    },
    setFolderExpiresOn: (value) => {
      folderExpiresOn.value = value
      folderError.value = undefined
    },
    shareFolder: async () => {
      const folder = folderChoice.value
      if (folder === undefined || folderBusy.value) return
      const expiresAt = expiryOf(folderExpiresOn.value, clock())
      if (expiresAt === null) {
        folderError.value = messageForCode('SHARE_EXPIRY_INVALID')
        return
      }
      const asked = generation
      folderBusy.value = true
      folderError.value = undefined
      try {
        const share = await client.call('shares.create', { folder, relayOnly: relayOnly.value, ...(expiresAt === undefined ? {} : { expiresAt }) })
        if (asked !== generation) return
        listMade(share, asked)
        folderExpiresOn.value = ''
        // Another Share dialog opened meanwhile keeps its place; this link is in the list.
        if (sharing.value !== undefined) return
        closeShare()
        sharing.value = { folder }
        created.value = share
      } catch (err) {
        if (asked === generation) folderError.value = errorMessage(err)
      } finally {
        if (asked === generation) folderBusy.value = false
      }
    },
    ...stop,
    reset: () => {
      generation++
      shares.value = []
      loaded.value = false
      error.value = undefined
      closeShare()
      expiresOn.value = ''
      folders.value = []
      foldersLoaded.value = false
      picked.value = undefined
      folderExpiresOn.value = ''
      folderBusy.value = false
      folderError.value = undefined
      resetStop()
    }
  }
}
