import { effect } from '@preact/signals'
import { useEffect, useMemo } from 'preact/hooks'
import type { RpcClient } from '../../core/rpc/api.ts'
import { createSaveToVaultModel } from './save-to-vault-model.ts'
import type { SharedItem } from './received-paths.ts'
import { createShareModel, type ShareModel } from './share-model.ts'
import { shareDownloadUrl } from '../../core/rpc/service-worker-urls.ts'
import { serveShareDownloads, whenServiceWorkerControls } from './share-download-bridge.ts'
import { keepServiceWorkerAwake } from '../connection/keep-service-worker-awake.ts'
import { SharePage } from './share-page.tsx'
import { startShareWorker } from './share-worker-host.ts'

/**
 * The page for a share link (`#/s/…`). It starts only a share worker: no
 * vault and no persistent identity, unless the person asks to save the file
 * into the Cairn they already have here.
 */
export interface ShareAppProps {
  /** The link's fragment, already taken off the address bar. */
  link: string
  /** This tab's client to the vault node, made only when first asked for. */
  connect: () => RpcClient
  /** Shows the vault app in this tab instead. */
  openCairn: () => void
}

export function ShareApp ({ link, connect, openCairn }: ShareAppProps) {
  const { share, save, worker } = useMemo(() => {
    const worker = startShareWorker()
    const share = createShareModel({ link, worker, serviceWorkerReady: whenServiceWorkerControls() })
    const save = createSaveToVaultModel({
      hasCairn: async () => (await indexedDB.databases()).some(db => db.name === 'cairn-datastore'),
      connect,
      openCairn,
      shared: () => sharedItem(share)
    })
    return { share, save, worker }
  }, [link])
  useEffect(() => {
    const stopDownloads = serveShareDownloads(share.token, worker)
    const stopKeepingAwake = keepServiceWorkerAwake()
    const stop = share.start()
    void save.check()
    // A stream that broke off during a save is the save's: its words go with the save's failure, not in a second alert.
    const stopRouting = effect(() => {
      const words = share.streamError.value
      if (words !== undefined && save.streamFailed(words)) share.clearStreamError()
    })
    return () => { stop(); stopDownloads(); stopKeepingAwake(); stopRouting(); worker.terminate() }
  }, [share])
  return <SharePage share={share} save={save} />
}

/**
 * What the link shares, with where the service worker serves each file; the
 * vault paths are chosen when saving (received-paths.ts). A folder's listing
 * paths were checked for '..' and empty parts when read.
 */
function sharedItem (share: ShareModel): SharedItem | undefined {
  const meta = share.meta.value
  if (meta === undefined) return undefined
  const folder = share.files.value
  if (folder === undefined) return { kind: 'file', name: meta.name, file: { source: shareDownloadUrl(share.token), size: meta.size, type: meta.type } }
  return {
    kind: 'folder',
    name: meta.name,
    files: folder.map((entry, index) => ({ source: shareDownloadUrl(share.token, false, index), path: entry.path, size: entry.size, type: entry.type }))
  }
}
