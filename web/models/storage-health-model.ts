import { signal, type ReadonlySignal } from '@preact/signals'
import type { FileDamage, RpcClient, StorageCheckProgress, StorageCheckResult } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'

/**
 * Damage to this device's stored data, as the user hears of it: a notice
 * per file found damaged or repaired (Files page), and Settings → "Check
 * stored data" with its progress and result.
 */
export interface StorageHealthModel {
  /** Files found damaged or repaired since the page opened, newest last. */
  notices: ReadonlySignal<FileDamage[]>
  /** Dismisses one notice: a file's own, or (with `where`) its earlier version's or its Trash item's. */
  dismiss: (fileId: string, where?: FileDamage['where']) => void
  checking: ReadonlySignal<boolean>
  progress: ReadonlySignal<StorageCheckProgress | undefined>
  result: ReadonlySignal<StorageCheckResult | undefined>
  checkError: ReadonlySignal<string | undefined>
  check: () => Promise<void>
  /** Listens for the node's events; returns the unsubscribe. */
  start: () => () => void
  /** Forgets everything (on lock: no file names stay on screen). */
  reset: () => void
}

export function createStorageHealthModel (client: RpcClient): StorageHealthModel {
  const notices = signal<FileDamage[]>([])
  const checking = signal(false)
  const progress = signal<StorageCheckProgress | undefined>(undefined)
  const result = signal<StorageCheckResult | undefined>(undefined)
  const checkError = signal<string | undefined>(undefined)
  return {
    notices,
    checking,
    progress,
    result,
    checkError,
    dismiss: (fileId, where) => { notices.value = notices.value.filter(n => !sameNotice(n, { fileId, where })) },
    check: async () => {
      if (checking.value) return
      checking.value = true
      progress.value = undefined
      result.value = undefined
      checkError.value = undefined
      try {
        result.value = await client.call('storage.check', undefined)
      } catch (err) {
        checkError.value = errorMessage(err)
      } finally {
        checking.value = false
      }
    },
    start: () => {
      const stops = [
        client.on('storage.damage', (damage) => {
          notices.value = [...notices.value.filter(n => !sameNotice(n, damage)), damage]
        }),
        client.on('storage.check.progress', (next) => { if (checking.value) progress.value = next })
      ]
      return () => { for (const stop of stops) stop() }
    },
    reset: () => {
      notices.value = []
      progress.value = undefined
      result.value = undefined
      checkError.value = undefined
    }
  }
}

/** One notice per file and place: a damaged earlier version does not hide its live file's notice. */
function sameNotice (a: Pick<FileDamage, 'fileId' | 'where'>, b: Pick<FileDamage, 'fileId' | 'where'>): boolean {
  return a.fileId === b.fileId && a.where === b.where
}

/** A notice's words: which file, what happened, what to do. */
export function damageWords (damage: FileDamage): string {
  const name = damage.where === 'version'
    ? `An earlier version of “${damage.path}”`
    : damage.where === 'trash' ? `“${damage.path}” (in the Trash)` : `“${damage.path}”`
  return damage.state === 'repaired'
    ? `${name} was damaged on this device and has been repaired with a good copy from your backup peer or another device.`
    : `${name} is damaged on this device: part of its stored data no longer matches what was saved, and no backup peer or other device had a good copy. Connect your backup peer, then ${damage.where === undefined ? 'open the file again' : 'run Settings → Check stored data again'} to repair it.`
}
