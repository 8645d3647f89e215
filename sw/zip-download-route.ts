/// <reference lib="webworker" />
import { zipRequestOf } from '../core/rpc/service-worker-urls.ts'
import { openPort, streamFrom } from './download-route.ts'
import { errorPage } from './error-page.ts'

/**
 * Answers `/download/zip?folder=…[&pick=…]` with one zip of a folder (or of
 * what was picked in it), made in the node worker as the bytes are read
 * (core/vault/vault-zip.ts) and streamed here as a single download is: the
 * zip is never whole in memory.
 */
export async function answerZipDownload ({ url }: { url: URL }): Promise<Response> {
  const { folder, picks } = zipRequestOf(url)
  const opened = await openPort({ kind: 'zip-open', folder, picks })
  if (opened === undefined) return errorPage(503, 'Cairn is not running', 'Open Cairn in a tab, unlock it, then try the download again.')
  return await streamFrom(opened, 'attachment', undefined, (code, message) => {
    if (code === 'VAULT_LOCKED') return errorPage(423, 'Cairn is locked', 'Unlock your vault, then try the download again.')
    if (code === 'FILE_NOT_FOUND') return errorPage(404, 'File not found', 'A file of this folder is no longer in your vault.')
    return errorPage(500, 'Download failed', message)
  })
}
