import type { FolderSyncService } from '../folder-sync/folder-sync-service.ts'
import type { HandlerMap } from '../rpc/handlers.ts'

/** The Sync page's methods (core/rpc/api-sync.ts). */
export type SyncMethods = Extract<keyof HandlerMap, `sync.${string}`>

/** Answers the Sync page from the node's folder sync service. */
export function createSyncHandlers (sync: () => FolderSyncService): Pick<HandlerMap, SyncMethods> {
  return {
    'sync.addFolder': async (args) => await sync().add(args),
    'sync.listFolders': async () => sync().list(),
    'sync.pause': async ({ id }) => await sync().pause(id),
    'sync.resume': async ({ id }) => await sync().resume(id),
    'sync.syncNow': async ({ id }) => await sync().syncNow(id),
    'sync.confirmEmpty': async ({ id }) => await sync().confirmEmpty(id),
    'sync.setMode': async ({ id, mode }) => await sync().setMode(id, mode),
    'sync.removeFolder': async ({ id }) => { await sync().remove(id) },
    'sync.ignoreRules': async ({ id }) => await sync().ignoreRules(id),
    'sync.setIgnoreRules': async ({ id, text }) => await sync().setIgnoreRules(id, text),
    'sync.restore': async (args) => await sync().restore(args),
    'sync.setRescanInterval': async ({ id, seconds }) => await sync().setRescanInterval(id, seconds)
  }
}
