import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** Helia's networked blockstore reports each block it fetched from a peer and stored here (helia/src/storage.ts). */
const FETCHED_EVENTS = new Set(['blocks:get:blockstore:put'])

interface ProgressOptions { onProgress?: (event: { type: string, detail?: unknown }) => void }

/**
 * `store` (Helia's networked blockstore) with a hook on every block it had
 * to fetch from a peer, which it then keeps in the local store: the vault's
 * reads go through it, so "where a file lives" learns that an on-demand
 * file became (more) local. Costs nothing for blocks already here.
 */
export function watchFetches (store: Blockstore, onFetched: (cid: CID) => void): Blockstore {
  const withHook = <O extends ProgressOptions | undefined>(cid: CID, options: O): ProgressOptions => ({
    ...options,
    onProgress: (event) => {
      if (FETCHED_EVENTS.has(event.type)) onFetched(cid)
      options?.onProgress?.(event)
    }
  })
  return new Proxy(store, {
    get (target, prop, receiver) {
      if (prop === 'get') {
        return (cid: CID, options?: ProgressOptions) => target.get(cid, withHook(cid, options) as Parameters<Blockstore['get']>[1])
      }
      const value = Reflect.get(target, prop, receiver) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}
