import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { AddedBackupPeer, BackupPeerInfo, DesktopBackupPeerInfo, RpcClient } from '../../core/rpc/api.ts'
import { errorCodeOf, errorMessage } from '../error-messages.ts'

export interface DesktopPeerInit {
  client: RpcClient
  /** The Backup page's peers, to tell whether this vault already uses this computer. */
  peers: ReadonlySignal<BackupPeerInfo[]>
  /** After "Use it for this vault" paired: the Backup page lists the new peer. */
  onPaired?: () => void
}

/**
 * "This computer is a backup peer" on the Backup page of the desktop app:
 * its address and a fresh pairing code to copy to other vaults, "Use it for
 * this vault" (the same pairing as "Add backup peer", in one click), and
 * turning the service off and on.
 */
export interface DesktopPeerModel {
  /** Its address and current code; null when it is off. */
  info: ReadonlySignal<DesktopBackupPeerInfo | null>
  loaded: ReadonlySignal<boolean>
  error: ReadonlySignal<string | undefined>
  busy: ReadonlySignal<boolean>
  /**
   * Its settings file on this computer is damaged (CONFIG_INVALID): it was
   * not started, and turning it on or off writes a new file.
   */
  settingsDamaged: ReadonlySignal<boolean>
  /** It is turned on but could not start (INTERNAL; the daemon's log says why): the card offers Try again and turning it off. */
  startFailed: ReadonlySignal<boolean>
  /**
   * The daemon could not read what it keeps on disk for it (STORAGE_FAILED:
   * its settings file unreadable, say): the daemon's own words, which name
   * the file and the reason; the card offers Try again.
   */
  settingsUnreadable: ReadonlySignal<string | undefined>
  /** This vault already backs up to it. */
  usedByVault: ReadonlySignal<boolean>
  /** The pairing "Use it for this vault" just made (shown as a note). */
  paired: ReadonlySignal<AddedBackupPeer | undefined>
  /** Reads the address and a fresh code (the card calls it when it opens, and "New code"). */
  load: () => Promise<void>
  useForVault: () => Promise<void>
  setEnabled: (enabled: boolean) => Promise<void>
  /** Forgets the code and notes (on lock). */
  reset: () => void
}

export function createDesktopPeerModel (init: DesktopPeerInit): DesktopPeerModel {
  const { client } = init
  const info = signal<DesktopBackupPeerInfo | null>(null)
  const loaded = signal(false)
  const error = signal<string | undefined>(undefined)
  const busy = signal(false)
  const paired = signal<AddedBackupPeer | undefined>(undefined)
  const settingsDamaged = signal(false)
  const startFailed = signal(false)
  const settingsUnreadable = signal<string | undefined>(undefined)

  /** Runs one action at a time; its failure shows on the card. */
  const act = async (work: () => Promise<void>): Promise<void> => {
    if (busy.value) return
    busy.value = true
    error.value = undefined
    try {
      await work()
    } catch (err) {
      error.value = errorMessage(err)
    } finally {
      busy.value = false
    }
  }
  const load = async (): Promise<void> => {
    try {
      info.value = await client.call('desktop.backupPeer.info', undefined)
      settingsDamaged.value = false
      startFailed.value = false
      settingsUnreadable.value = undefined
    } catch (err) {
      const code = errorCodeOf(err)
      if (code !== 'CONFIG_INVALID' && code !== 'INTERNAL' && code !== 'STORAGE_FAILED') throw err
      // Not serving, and the user's choice is needed: the card asks for it rather than only erring.
      info.value = null
      settingsDamaged.value = code === 'CONFIG_INVALID'
      startFailed.value = code === 'INTERNAL'
      // The daemon's words, not the browser-storage ones STORAGE_FAILED has elsewhere: this is a file on this computer.
      settingsUnreadable.value = code === 'STORAGE_FAILED' ? daemonWords(err) : undefined
    }
    loaded.value = true
  }

  return {
    info,
    loaded,
    error,
    busy,
    settingsDamaged,
    startFailed,
    settingsUnreadable,
    usedByVault: computed(() => info.value !== null && init.peers.value.some(p => p.peerId === info.value?.peerId)),
    paired,
    load: async () => { await act(load) },
    useForVault: async () => {
      await act(async () => {
        const peer = info.value
        if (peer === null) return
        paired.value = undefined
        paired.value = await client.call('backup.add', { address: peer.address, code: peer.pairingCode })
        init.onPaired?.()
        // The code is spent: show a fresh one for the next vault.
        await load()
      })
    },
    setEnabled: async (enabled) => {
      await act(async () => {
        info.value = await client.call('desktop.backupPeer.setEnabled', { enabled })
        loaded.value = true
        settingsDamaged.value = false
        startFailed.value = false
        settingsUnreadable.value = undefined
        paired.value = undefined
      })
    },
    reset: () => {
      info.value = null
      loaded.value = false
      settingsDamaged.value = false
      startFailed.value = false
      settingsUnreadable.value = undefined
      error.value = undefined
      paired.value = undefined
    }
  }
}

/** The daemon's message for a failure on this computer's disk (it names the file and why), or the code's words. */
function daemonWords (err: unknown): string {
  const detail = (err as { message?: unknown }).message
  return typeof detail === 'string' && detail.trim() !== '' && detail.length <= 600 ? detail.trim().replace(/[.]?$/, '.') : errorMessage(err)
}
