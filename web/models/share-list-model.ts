import { signal, type ReadonlySignal } from '@preact/signals'
import type { RpcClient, ShareInfo } from '../../core/rpc/api.ts'
import { errorCodeOf, errorMessage } from '../error-messages.ts'
import { liveRefresh, type IntervalTimers } from '../lib/live-refresh.ts'

/**
 * How often "My shares" re-reads the list while it is open. `shares.changed`
 * covers most changes; the timer catches an expiry passing, which no event
 * announces.
 */
export const SHARES_REFRESH_MS = 15_000

/** The "My shares" list: newest first, kept fresh while the page is open. */
export interface ShareListModel {
  /** Newest first. */
  shares: ReadonlySignal<ShareInfo[]>
  /** False until the first list arrives. */
  loaded: ReadonlySignal<boolean>
  error: ReadonlySignal<string | undefined>
  refresh: () => Promise<void>
}

export interface ShareListControl extends ShareListModel {
  /** Refreshes now, on `shares.changed` and on a slow timer; returns the stop. */
  open: () => () => void
  /**
   * Call when a share is being made; the returned function lists it once made,
   * unless the vault locked (reset) meanwhile.
   */
  willList: () => (share: ShareInfo) => void
  /** Takes a stopped share off the list. */
  remove: (id: string) => void
  /** Forgets the list (on lock); a list in flight is dropped. */
  reset: () => void
}

const newestFirst = (list: ShareInfo[]): ShareInfo[] => [...list].sort((a, b) => b.createdAt - a.createdAt)

export function createShareListModel (init: { client: RpcClient, pollMs?: number, timers?: IntervalTimers }): ShareListControl {
  const { client } = init
  const shares = signal<ShareInfo[]>([])
  const loaded = signal(false)
  const error = signal<string | undefined>(undefined)
  // Bumped by reset(): a list that was in flight when the vault locked is dropped.
  let generation = 0

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

  return {
    shares,
    loaded,
    error,
    refresh,
    open: () => liveRefresh(client, 'shares.changed', refresh, init.pollMs ?? SHARES_REFRESH_MS, init.timers),
    willList: () => {
      const asked = generation
      return (share) => {
        if (asked === generation) shares.value = newestFirst([share, ...shares.value.filter(s => s.id !== share.id)])
      }
    },
    remove: (id) => { shares.value = shares.value.filter(s => s.id !== id) },
    reset: () => {
      generation++
      shares.value = []
      loaded.value = false
      error.value = undefined
    }
  }
}
