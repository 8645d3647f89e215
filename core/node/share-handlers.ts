import { InvalidArgumentError } from '../errors.ts'
import type { HandlerMap } from '../rpc/handlers.ts'
import type { ShareMethods } from './node-handlers.ts'
import type { ArgsOf } from '../rpc/api.ts'
import type { ShareTarget, VaultShares } from '../vault/vault-shares.ts'

/** The share-link methods of the RPC API (core/rpc/api.ts). */
export function createShareHandlers (shares: VaultShares): Pick<HandlerMap, ShareMethods> {
  return {
    'shares.create': async (args) => await shares.create(targetOf(args), args.expiresAt, { relayOnly: args.relayOnly === true }),
    'shares.list': async () => await shares.list(),
    'shares.stop': async ({ id }) => { await shares.stop(id) }
  }
}

function targetOf (args: ArgsOf<'shares.create'>): ShareTarget {
  if ('folder' in args) return { folder: args.folder }
  if ('fileIds' in args) {
    // Checked here: the arguments come over RPC from a page.
    if (!Array.isArray(args.fileIds) || !args.fileIds.every(id => typeof id === 'string') || typeof args.base !== 'string' || typeof args.name !== 'string') {
      throw new InvalidArgumentError('A shared selection is a list of file ids, a folder and a name')
    }
    return { fileIds: args.fileIds, base: args.base, name: args.name }
  }
  return { fileId: args.fileId }
}
