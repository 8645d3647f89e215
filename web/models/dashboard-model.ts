import { signal, type ReadonlySignal } from '@preact/signals'
import type { NodeInfo, RpcClient, VaultStats } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'
import { readPersistence, requestPersistence, type PersistenceState, type StorageAccess } from '../lib/storage-access.ts'

export interface StorageFigures {
  usage: number | undefined
  quota: number | undefined
}

/** Figures for the dashboard: the vault's stats, the browser's storage and the node. */
export interface DashboardModel {
  stats: ReadonlySignal<VaultStats | undefined>
  node: ReadonlySignal<NodeInfo | undefined>
  storage: ReadonlySignal<StorageFigures | undefined>
  persistence: ReadonlySignal<PersistenceState>
  loading: ReadonlySignal<boolean>
  error: ReadonlySignal<string | undefined>
  refresh: () => Promise<void>
  requestPersistence: () => Promise<void>
}

export function createDashboardModel (client: RpcClient, storageAccess: StorageAccess | undefined): DashboardModel {
  const stats = signal<VaultStats | undefined>(undefined)
  const node = signal<NodeInfo | undefined>(undefined)
  const storage = signal<StorageFigures | undefined>(undefined)
  const persistence = signal<PersistenceState>('unknown')
  const loading = signal(false)
  const error = signal<string | undefined>(undefined)

  const readEstimate = async (): Promise<StorageFigures | undefined> => {
    if (storageAccess?.estimate === undefined) return undefined
    const estimate = await storageAccess.estimate()
    return { usage: estimate.usage, quota: estimate.quota }
  }

  return {
    stats,
    node,
    storage,
    persistence,
    loading,
    error,
    refresh: async () => {
      loading.value = true
      // Each figure stands alone: one failing does not blank the others.
      const [s, n, e, p] = await Promise.allSettled([
        client.call('stats.get', undefined),
        client.call('node.info', undefined),
        readEstimate(),
        readPersistence(storageAccess)
      ])
      if (s.status === 'fulfilled') stats.value = s.value
      if (n.status === 'fulfilled') node.value = n.value
      if (e.status === 'fulfilled') storage.value = e.value
      if (p.status === 'fulfilled') persistence.value = p.value
      const failed = [s, n].find(r => r.status === 'rejected')
      error.value = failed?.status === 'rejected' ? errorMessage(failed.reason) : undefined
      loading.value = false
    },
    requestPersistence: async () => {
      persistence.value = 'asking'
      persistence.value = await requestPersistence(storageAccess)
      const e = await readEstimate().catch(() => undefined)
      if (e !== undefined) storage.value = e
    }
  }
}
