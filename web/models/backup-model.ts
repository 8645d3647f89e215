import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { AddedBackupPeer, BackupPeerInfo, RpcClient, VerifyResult } from '../../core/rpc/api.ts'
import { shortPeerId } from '../format.ts'
import { errorMessage } from '../error-messages.ts'
import { liveRefresh, type IntervalTimers } from '../lib/live-refresh.ts'
import { without } from '../lib/records.ts'
import type { PairingLink } from '../lib/pairing-link.ts'

/** How often the Backup page re-reads the peers while it is open (replication moves without events too). */
export const BACKUP_REFRESH_MS = 3000

export interface BackupInit {
  client: RpcClient
  pollMs?: number
  timers?: IntervalTimers
  /** Milliseconds clock for "last seen 2 min ago" (Date.now in the page). */
  now?: () => number
}

/**
 * The Backup page: pair a backup peer (address + the one-time code it
 * printed), each peer's replication figures, "Verify now", and removing a
 * peer after confirmation.
 */
export interface BackupModel {
  peers: ReadonlySignal<BackupPeerInfo[]>
  /** False until the first list arrives. */
  loaded: ReadonlySignal<boolean>
  error: ReadonlySignal<string | undefined>
  /** The clock when the list was last read. */
  now: ReadonlySignal<number>
  address: ReadonlySignal<string>
  code: ReadonlySignal<string>
  addBusy: ReadonlySignal<boolean>
  addError: ReadonlySignal<string | undefined>
  /** The peer just paired (shown as a note). */
  added: ReadonlySignal<AddedBackupPeer | undefined>
  /** True while the form holds what a pairing link filled in (the user checks it, then presses Add). */
  fromLink: ReadonlySignal<boolean>
  canAdd: ReadonlySignal<boolean>
  /** By peer id. */
  verifying: ReadonlySignal<Readonly<Record<string, boolean>>>
  verifyResults: ReadonlySignal<Readonly<Record<string, VerifyResult>>>
  verifyErrors: ReadonlySignal<Readonly<Record<string, string>>>
  /** The peer waiting for remove confirmation (the dialog is open). */
  removing: ReadonlySignal<BackupPeerInfo | undefined>
  removeBusy: ReadonlySignal<boolean>
  removeError: ReadonlySignal<string | undefined>
  /** Refreshes now, on `backup.changed` and on a timer; returns the stop (call it when the page closes). */
  open: () => () => void
  refresh: () => Promise<void>
  setAddress: (value: string) => void
  setCode: (value: string) => void
  /** Fills the form from a pairing link (web/lib/pairing-link.ts); pairing still waits for Add. */
  fillFromLink: (link: PairingLink) => void
  add: () => Promise<void>
  verify: (peerId: string) => Promise<void>
  startRemove: (peer: BackupPeerInfo) => void
  confirmRemove: () => Promise<void>
  cancelRemove: () => void
  /** Forgets typed text (the pairing code) and results (on lock). */
  reset: () => void
}

/** The line a person (and the e2e test) waits for: "All files replicated", or what is still to do. */
export function replicationSummary (peer: BackupPeerInfo): string {
  if (peer.pending === 0 && peer.failed.length === 0 && peer.filesReplicated > 0) return 'All files replicated'
  const failed = peer.failed.length > 0 ? ` · ${peer.failed.length} failed` : ''
  return `Replicating: ${peer.pending} pending${failed}`
}

/** The note after "Add backup peer": paired anew, or the peer already kept this vault (no code was needed). */
export function addedSummary (peer: AddedBackupPeer): string {
  if (peer.reconnected) return 'Reconnected: this peer already keeps your vault.'
  return `Paired with ${shortPeerId(peer.peerId)}. Your files start copying to it now.`
}

/** "Checked 32 blocks: all good", or how many were bad. */
export function verifySummary (result: VerifyResult): string {
  if (result.checked === 0) return 'Nothing to check yet: the peer holds no blocks for this vault.'
  const blocks = `${result.checked} ${result.checked === 1 ? 'block' : 'blocks'}`
  if (result.bad.length === 0) return `Checked ${blocks}: all good`
  const repaired = result.damaged?.filter(d => d.repaired).length ?? 0
  return `Checked ${blocks}: ${result.bad.length} bad` + (repaired > 0 ? `, ${repaired} repaired with a good copy from this device` : '')
}

/** One bad block on the peer, in words: which file (or the index), and what happens now. */
export function damagedBlockWords (block: { cid: string, file?: string, repaired: boolean }): string {
  const where = block.file !== undefined ? `“${block.file}”` : 'Your vault’s index (the file list)'
  return block.repaired
    ? `${where}: the peer’s copy was damaged; it now holds a good copy again, sent by this device.`
    : `${where}: the peer’s copy is damaged; it is fetching a good copy from your devices. Verify again in a minute.`
}

export function createBackupModel (init: BackupInit): BackupModel {
  const { client } = init
  const clock = init.now ?? Date.now
  const peers = signal<BackupPeerInfo[]>([])
  const loaded = signal(false)
  const error = signal<string | undefined>(undefined)
  const now = signal(clock())
  const address = signal('')
  const code = signal('')
  const addBusy = signal(false)
  const addError = signal<string | undefined>(undefined)
  const added = signal<AddedBackupPeer | undefined>(undefined)
  const fromLink = signal(false)
  const verifying = signal<Readonly<Record<string, boolean>>>({})
  const verifyResults = signal<Readonly<Record<string, VerifyResult>>>({})
  const verifyErrors = signal<Readonly<Record<string, string>>>({})
  const removing = signal<BackupPeerInfo | undefined>(undefined)
  const removeBusy = signal(false)
  const removeError = signal<string | undefined>(undefined)

  const refresh = async (): Promise<void> => {
    try {
      peers.value = await client.call('backup.list', undefined)
      loaded.value = true
      error.value = undefined
    } catch (err) {
      error.value = errorMessage(err)
    }
    now.value = clock()
  }

  return {
    peers,
    loaded,
    error,
    now,
    address,
    code,
    addBusy,
    addError,
    added,
    fromLink,
    canAdd: computed(() => address.value.trim() !== '' && code.value.trim() !== '' && !addBusy.value),
    verifying,
    verifyResults,
    verifyErrors,
    removing,
    removeBusy,
    removeError,
    open: () => liveRefresh(client, 'backup.changed', refresh, init.pollMs ?? BACKUP_REFRESH_MS, init.timers),
    refresh,
    setAddress: (value) => {
      address.value = value
      addError.value = undefined
    },
    setCode: (value) => {
      code.value = value
      addError.value = undefined
    },
    fillFromLink: (link) => {
      address.value = link.peer
      code.value = link.code
      addError.value = undefined
      added.value = undefined
      fromLink.value = true
    },
    add: async () => {
      const a = address.value.trim()
      const c = code.value.trim()
      if (a === '' || c === '' || addBusy.value) return
      addBusy.value = true
      addError.value = undefined
      added.value = undefined
      try {
        const peer = await client.call('backup.add', { address: a, code: c })
        added.value = peer
        address.value = ''
        code.value = ''
        fromLink.value = false
        peers.value = [...peers.value.filter(p => p.peerId !== peer.peerId), peer]
        await refresh()
      } catch (err) {
        // Both fields stay as typed: usually one character of the code is wrong.
        addError.value = errorMessage(err)
      } finally {
        addBusy.value = false
      }
    },
    verify: async (peerId) => {
      if (verifying.value[peerId] === true) return
      verifying.value = { ...verifying.value, [peerId]: true }
      verifyErrors.value = without(verifyErrors.value, peerId)
      verifyResults.value = without(verifyResults.value, peerId)
      try {
        const result = await client.call('backup.verify', { peerId })
        verifyResults.value = { ...verifyResults.value, [peerId]: result }
      } catch (err) {
        verifyErrors.value = { ...verifyErrors.value, [peerId]: errorMessage(err) }
      } finally {
        verifying.value = without(verifying.value, peerId)
      }
    },
    startRemove: (peer) => {
      removing.value = peer
      removeError.value = undefined
    },
    confirmRemove: async () => {
      const peer = removing.value
      if (peer === undefined || removeBusy.value) return
      removeBusy.value = true
      removeError.value = undefined
      try {
        await client.call('backup.remove', { peerId: peer.peerId })
        peers.value = peers.value.filter(p => p.peerId !== peer.peerId)
        if (added.value?.peerId === peer.peerId) added.value = undefined
        removing.value = undefined
      } catch (err) {
        removeError.value = errorMessage(err)
      } finally {
        removeBusy.value = false
      }
    },
    cancelRemove: () => { removing.value = undefined },
    reset: () => {
      address.value = ''
      code.value = ''
      fromLink.value = false
      addError.value = undefined
      added.value = undefined
      verifyResults.value = {}
      verifyErrors.value = {}
      removing.value = undefined
      removeError.value = undefined
    }
  }
}
