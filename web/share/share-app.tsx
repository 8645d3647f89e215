import { useEffect, useMemo } from 'preact/hooks'
import type { RpcClient } from '../../core/rpc/api.ts'
import { lastSegment } from '../lib/free-path.ts'
import { createSaveToVaultModel } from './save-to-vault-model.ts'
import { createShareModel, type ShareModel } from './share-model.ts'
import { serveShareDownloads, shareDownloadUrl, whenServiceWorkerControls } from './share-download-bridge.ts'
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
      readFiles: (onProgress) => readShared(share, onProgress)
    })
    return { share, save, worker }
  }, [link])
  useEffect(() => {
    const stopDownloads = serveShareDownloads(share.token, worker)
    const stop = share.start()
    void save.check()
    return () => { stop(); stopDownloads(); worker.terminate() }
  }, [share])
  return <SharePage share={share} save={save} />
}

/** Where received files go in the recipient's vault: their own folder, never over an existing file. */
const RECEIVED_FOLDER = 'Shared with me'

/**
 * The shared file, or each file of a shared folder, read through the service
 * worker, with the vault path it should get: under "Shared with me/", the
 * sender's names reduced to plain names (a '/' in a name cannot pick a folder;
 * a folder's listing paths were checked for '..' and empty parts when read).
 */
async function * readShared (share: ShareModel, onProgress: (bytes: number) => void): AsyncGenerator<{ file: File, path: string }> {
  const meta = share.meta.value
  if (meta === undefined) return
  let done = 0
  const count = (bytes: number): void => { done += bytes; onProgress(done) }
  const folder = share.files.value
  if (folder === undefined) {
    const name = lastSegment(meta.name)
    yield { file: await readWhole(shareDownloadUrl(share.token), name, meta.type, count), path: `${RECEIVED_FOLDER}/${name}` }
    return
  }
  for (const [index, entry] of folder.entries()) {
    const name = lastSegment(entry.path)
    yield { file: await readWhole(shareDownloadUrl(share.token, false, index), name, entry.type, count), path: `${RECEIVED_FOLDER}/${lastSegment(meta.name)}/${entry.path}` }
  }
}

const FOLD_BYTES = 16 * 1024 * 1024

async function readWhole (url: string, name: string, type: string, count: (bytes: number) => void): Promise<File> {
  const response = await fetch(url)
  if (!response.ok || response.body === null) throw new Error(`the shared file could not be read (${response.status})`)
  // Folded into a Blob every FOLD_BYTES: the browser keeps Blob data outside
  // the page's heap (and may page it to disk), so a large file does not grow it.
  let blob = new Blob([])
  let pending: Array<Uint8Array<ArrayBuffer>> = []
  let pendingBytes = 0
  const reader = response.body.getReader()
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    pending.push(next.value as Uint8Array<ArrayBuffer>)
    pendingBytes += next.value.byteLength
    count(next.value.byteLength)
    if (pendingBytes >= FOLD_BYTES) {
      blob = new Blob([blob, ...pending])
      pending = []
      pendingBytes = 0
    }
  }
  return new File([blob, ...pending], name, { type })
}
