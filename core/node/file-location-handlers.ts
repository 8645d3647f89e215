import { InvalidArgumentError } from '../errors.ts'
import type { HandlerMap } from '../rpc/handlers.ts'
import type { FileLocations } from '../vault/file-locations.ts'
import type { VaultService } from '../vault/vault-service.ts'

/** Methods served here: where files live, keeping them on this device, freeing space, resolving conflicts. */
export type FileLocationMethods = 'files.locations' | 'files.keepLocal' | 'files.freeUpSpace' | 'files.resolveConflict'

export interface FileLocationHandlerComponents {
  vault: VaultService
  locations: FileLocations
  /** The list of files changed (a conflict resolved): the node tells the tabs and the backup peers. */
  onFilesChanged: () => void
  /** Asks the connected devices afresh what they hold, so "Free up space" relies on no stale answer. */
  beforeFree?: () => Promise<void>
  /** The Files page asked where files live (other devices are asked again when their answer is old). */
  onLocationsAsked?: () => void
}

const CHOICES = new Set(['this', 'other', 'both'])

/** Files on demand and conflicts over RPC (core/vault/file-locations.ts and resolve-conflict.ts do the work). */
export function createFileLocationHandlers ({ vault, locations, onFilesChanged, beforeFree, onLocationsAsked }: FileLocationHandlerComponents): Pick<HandlerMap, FileLocationMethods> {
  return {
    'files.locations': async () => {
      vault.activity()
      onLocationsAsked?.()
      return await locations.locations()
    },
    'files.keepLocal': async (args) => {
      vault.activity()
      if (typeof args?.keep !== 'boolean') throw new InvalidArgumentError('files.keepLocal needs keep: true or false')
      if ('fileId' in args && typeof args.fileId === 'string') await locations.keepLocal({ fileId: args.fileId }, args.keep)
      else if ('folder' in args && typeof args.folder === 'string') await locations.keepLocal({ folder: args.folder }, args.keep)
      else throw new InvalidArgumentError('files.keepLocal needs a fileId or a folder')
    },
    'files.freeUpSpace': async () => {
      vault.activity()
      await beforeFree?.()
      return await locations.freeUpSpace()
    },
    'files.resolveConflict': async ({ fileId, keep, versionId }) => {
      if (!CHOICES.has(keep)) throw new InvalidArgumentError('keep must be this, other or both')
      if (versionId !== undefined && typeof versionId !== 'string') throw new InvalidArgumentError('versionId must be a string')
      await vault.files().resolveConflict(fileId, keep, versionId)
      onFilesChanged()
    }
  }
}
