import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { RpcClient, ShareInfo } from '../../core/rpc/api.ts'
import { errorCodeOf, errorMessage, messageForCode } from '../error-messages.ts'
import { expiryOf, foldersOf } from './share-fields.ts'

/** "Share a folder" on the Shares page: pick a folder, an optional expiry, make a snapshot link. */
export interface FolderShareModel {
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
  /** Makes a snapshot link of the chosen folder (or of `folder`: the Files page's Share on a folder), then opens the Share dialog on it. */
  shareFolder: (folder?: string) => Promise<void>
  /**
   * The Files page's bulk Share: one folder-style link holding exactly these
   * files (paths relative to `base`), named `name`; opens the Share dialog on
   * it. Resolves to the error's words when it failed (the Files page shows them).
   */
  shareFiles: (selection: { fileIds: string[], base: string, name: string }) => Promise<string | undefined>
}

export interface FolderShareControl extends FolderShareModel {
  /** Loads the folders now and on `files.changed`; returns the stop. */
  open: () => () => void
  /** Clears the form's error (a setting it depends on changed). */
  clearError: () => void
  /** Forgets the folders and the form (on lock); a call in flight is dropped. */
  reset: () => void
}

export interface FolderShareInit {
  client: RpcClient
  /** Milliseconds clock (tests fix it). */
  now: () => number
  /** The dialog's "Relay addresses only", which folder links follow too. */
  relayOnly: ReadonlySignal<boolean>
  /** Lists a share once made (see ShareListControl.willList). */
  willList: () => (share: ShareInfo) => void
  /** Shows the link made (see ShareDialogControl.showFolderLink). */
  showLink: (folder: string, share: ShareInfo) => void
}

export function createFolderShareModel (init: FolderShareInit): FolderShareControl {
  const { client } = init
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
  // Bumped by reset(): an answer that was in flight when the vault locked is dropped.
  let generation = 0

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

  // Makes the link (a folder's, or chosen files'), lists it and opens the dialog on it.
  const make = async (title: string, target: { folder: string } | { fileIds: string[], base: string, name: string }): Promise<string | undefined> => {
    if (folderBusy.value) return undefined
    const expiresAt = expiryOf(folderExpiresOn.value, init.now())
    if (expiresAt === null) {
      folderError.value = messageForCode('SHARE_EXPIRY_INVALID')
      return folderError.value
    }
    const asked = generation
    const list = init.willList()
    folderBusy.value = true
    folderError.value = undefined
    try {
      const share = await client.call('shares.create', { ...target, relayOnly: init.relayOnly.value, ...(expiresAt === undefined ? {} : { expiresAt }) })
      if (asked !== generation) return undefined
      list(share)
      folderExpiresOn.value = ''
      init.showLink(title, share)
      return undefined
    } catch (err) {
      if (asked !== generation) return undefined
      folderError.value = errorMessage(err)
      return folderError.value
    } finally {
      if (asked === generation) folderBusy.value = false
    }
  }

  return {
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
    shareFolder: async (named) => {
      const folder = named ?? folderChoice.value
      if (folder === undefined) return
      await make(folder, { folder })
    },
    shareFiles: async (selection) => await make(selection.name, selection),
    open: () => {
      const off = client.on('files.changed', () => { void refreshFolders() })
      void refreshFolders()
      return off
    },
    clearError: () => { folderError.value = undefined },
    reset: () => {
      generation++
      folders.value = []
      foldersLoaded.value = false
      picked.value = undefined
      folderExpiresOn.value = ''
      folderBusy.value = false
      folderError.value = undefined
    }
  }
}
