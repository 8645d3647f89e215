import { coalescedReload } from '../lib/coalesced-reload.ts'
import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { FileLocation, FreedSpace, RpcClient } from '../../core/rpc/api.ts'
import { errorCodeOf, errorMessage } from '../error-messages.ts'
import { formatBytes } from '../format.ts'

/** What "Keep on this device" is pressed on: one file, or every file under a folder (path without the trailing '/'). */
export type KeepTarget = { fileId: string } | { folder: string }

/**
 * Where each file lives (this device, the backup peer, other devices),
 * "Keep on this device" for a file or folder, and "Free up space".
 */
export interface FileLocationsModel {
  /** By fileId; empty until the node first answers (rows then show their older badges). */
  locations: ReadonlySignal<Readonly<Record<string, FileLocation>>>
  /** Folders whose "Keep on this device" is on. */
  keptFolders: ReadonlySignal<ReadonlySet<string>>
  /** The key of the target being switched (`file:<id>` or `folder:<path>`). */
  keepBusy: ReadonlySignal<string | undefined>
  keepError: ReadonlySignal<string | undefined>
  freeBusy: ReadonlySignal<boolean>
  /** What the last "Free up space" did, in words. */
  freed: ReadonlySignal<string | undefined>
  freeError: ReadonlySignal<string | undefined>
  /** Listens for `files.locations.changed` and `files.changed`; returns the unsubscribe. */
  start: () => () => void
  refresh: () => Promise<void>
  keep: (target: KeepTarget, keep: boolean) => Promise<void>
  freeUpSpace: () => Promise<void>
  dismissFreed: () => void
  /** Forgets everything (on lock). */
  clear: () => void
}

/** The small labels of a file's row: "On this device", "On the backup peer", "On Laptop". */
export function locationLabels (location: FileLocation): string[] {
  const labels: string[] = []
  if (location.local === 'all') labels.push('On this device')
  else if (location.local === 'some') labels.push('Partly on this device')
  if (location.peers.length === 1) labels.push('On the backup peer')
  else if (location.peers.length > 1) labels.push(`On ${location.peers.length} backup peers`)
  for (const device of location.devices) labels.push(`On ${device}`)
  return labels
}

/** "Freed 12 MB from 3 files; 1 kept (no copy elsewhere yet)". */
export function freedWords (result: FreedSpace): string {
  const unproven = result.unproven ?? 0
  const kept = (result.skipped > 0 ? `; ${result.skipped} kept (no copy elsewhere yet)` : '') +
    (unproven > 0 ? `; ${unproven} kept (the backup peer or device that said it holds ${unproven === 1 ? 'it' : 'them'} could not send ${unproven === 1 ? 'it' : 'them'} back)` : '')
  if (result.files === 0) return result.skipped === 0 && unproven === 0 ? 'Nothing to free: no file here has a copy elsewhere to fall back on.' : `Freed nothing${kept}`
  return `Freed ${formatBytes(result.bytes)} from ${result.files} ${result.files === 1 ? 'file' : 'files'}${kept}`
}

export function keepKey (target: KeepTarget): string {
  return 'fileId' in target ? `file:${target.fileId}` : `folder:${target.folder}`
}

export function createFileLocationsModel (client: RpcClient): FileLocationsModel {
  const locations = signal<Readonly<Record<string, FileLocation>>>({})
  const keepBusy = signal<string | undefined>(undefined)
  const keepError = signal<string | undefined>(undefined)
  const freeBusy = signal(false)
  const freed = signal<string | undefined>(undefined)
  const freeError = signal<string | undefined>(undefined)

  // Bursts of events collapse into one reload at a time; clear() drops one in flight.
  const { reload: refresh, drop } = coalescedReload(async (isCurrent) => {
    try {
      const next = await client.call('files.locations', undefined)
      if (isCurrent()) locations.value = next
    } catch {
      // Locations are an extra on each row: without them the rows keep their plain badges.
    }
  })

  return {
    locations,
    keptFolders: computed(() => new Set(Object.values(locations.value).flatMap(l => l.keptFolder === undefined ? [] : [l.keptFolder]))),
    keepBusy,
    keepError,
    freeBusy,
    freed,
    freeError,
    start: () => {
      const offs = [
        client.on('files.locations.changed', () => { void refresh() }),
        client.on('files.changed', () => { void refresh() })
      ]
      return () => { for (const off of offs) off() }
    },
    refresh,
    keep: async (target, keep) => {
      if (keepBusy.value !== undefined) return
      keepBusy.value = keepKey(target)
      keepError.value = undefined
      try {
        await client.call('files.keepLocal', { ...target, keep })
        await refresh()
      } catch (err) {
        keepError.value = errorMessage(err)
      } finally {
        keepBusy.value = undefined
      }
    },
    freeUpSpace: async () => {
      if (freeBusy.value) return
      freeBusy.value = true
      freed.value = undefined
      freeError.value = undefined
      try {
        freed.value = freedWords(await client.call('files.freeUpSpace', undefined))
        await refresh()
      } catch (err) {
        if (errorCodeOf(err) !== 'VAULT_LOCKED') freeError.value = errorMessage(err)
      } finally {
        freeBusy.value = false
      }
    },
    dismissFreed: () => { freed.value = undefined },
    clear: () => {
      drop()
      locations.value = {}
      keepError.value = undefined
      freed.value = undefined
      freeError.value = undefined
    }
  }
}
