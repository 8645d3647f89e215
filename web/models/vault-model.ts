import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { RpcClient, VaultState, VaultStatus } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'

/** The vault's state as the page knows it, kept in step with the node's `vault.status` events. */
export interface VaultModel {
  /** Undefined until the node first answers. */
  status: ReadonlySignal<VaultStatus | undefined>
  state: ReadonlySignal<VaultState | undefined>
  /** Set when the node could not be reached at start. */
  loadError: ReadonlySignal<string | undefined>
  lockBusy: ReadonlySignal<boolean>
  /** Subscribes to status events and asks for the current status; returns the unsubscribe. */
  start: () => () => void
  refresh: () => Promise<void>
  /** Records a status the node returned from a call (unlock, recover, setAutoLock). */
  setStatus: (status: VaultStatus) => void
  lock: () => Promise<void>
}

export function createVaultModel (client: RpcClient): VaultModel {
  const status = signal<VaultStatus | undefined>(undefined)
  const loadError = signal<string | undefined>(undefined)
  const lockBusy = signal(false)

  const refresh = async (): Promise<void> => {
    try {
      status.value = await client.call('vault.status', undefined)
      loadError.value = undefined
    } catch (err) {
      loadError.value = errorMessage(err)
    }
  }

  return {
    status,
    state: computed(() => status.value?.state),
    loadError,
    lockBusy,
    start: () => {
      const off = client.on('vault.status', (next) => { status.value = next })
      void refresh()
      return off
    },
    refresh,
    setStatus: (next) => { status.value = next },
    lock: async () => {
      lockBusy.value = true
      try {
        status.value = await client.call('vault.lock', undefined)
      } catch {
        // The worker may already have locked (auto-lock); its status event says so.
        await refresh()
      } finally {
        lockBusy.value = false
      }
    }
  }
}
