import { signal, type ReadonlySignal } from '@preact/signals'
import type { RpcClient, ShareInfo } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'

/** "Stop sharing" on the Shares page: the share waiting for confirmation, and the stop itself. */
export interface StopShareModel {
  /** The share waiting for "Stop sharing" confirmation (the dialog is open). */
  stopping: ReadonlySignal<ShareInfo | undefined>
  stopBusy: ReadonlySignal<boolean>
  stopError: ReadonlySignal<string | undefined>
  startStop: (share: ShareInfo) => void
  confirmStop: () => Promise<void>
  cancelStop: () => void
}

/** `onStopped` takes the share off the list once the node has stopped it. */
export function createStopShareModel (client: RpcClient, onStopped: (id: string) => void): StopShareModel & { reset: () => void } {
  const stopping = signal<ShareInfo | undefined>(undefined)
  const stopBusy = signal(false)
  const stopError = signal<string | undefined>(undefined)
  return {
    stopping,
    stopBusy,
    stopError,
    startStop: (share) => {
      stopping.value = share
      stopError.value = undefined
    },
    confirmStop: async () => {
      const share = stopping.value
      if (share === undefined || stopBusy.value) return
      stopBusy.value = true
      stopError.value = undefined
      try {
        await client.call('shares.stop', { id: share.id })
        onStopped(share.id)
        stopping.value = undefined
      } catch (err) {
        stopError.value = errorMessage(err)
      } finally {
        stopBusy.value = false
      }
    },
    cancelStop: () => { stopping.value = undefined },
    reset: () => {
      stopping.value = undefined
      stopError.value = undefined
    }
  }
}
