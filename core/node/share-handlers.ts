import type { HandlerMap } from '../rpc/handlers.ts'
import type { ShareMethods } from './node-handlers.ts'
import type { VaultShares } from '../vault/vault-shares.ts'

/** The share-link methods of the RPC API (core/rpc/api.ts). */
export function createShareHandlers (shares: VaultShares): Pick<HandlerMap, ShareMethods> {
  return {
    'shares.create': async (args) => await shares.create('folder' in args ? { folder: args.folder } : { fileId: args.fileId }, args.expiresAt, { relayOnly: args.relayOnly === true }),
    'shares.list': async () => await shares.list(),
    'shares.stop': async ({ id }) => { await shares.stop(id) }
  }
}
