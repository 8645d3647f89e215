/**
 * The addresses the service worker answers (sw/service-worker.ts) and the
 * pages and workers that use them build: one place for each path, so the two
 * sides cannot drift apart.
 */

const DOWNLOAD_PREFIX = '/download/'
const SHARE_DOWNLOAD_PREFIX = '/download/share/'

/** Where the OS share sheet POSTs shared files (public/manifest.webmanifest's share_target.action says the same). */
export const SHARE_TARGET_PATH = '/share-target'

/** Paths the app shell must not answer (the service worker streams them): for workbox's NavigationRoute denylist. */
export const DOWNLOAD_PATH_PATTERN = /^\/download\//

/** The query parameter naming a conflict copy's (or earlier version's) versionId: the copy shares its file's id. */
const VERSION_PARAM = 'version'

/** The query parameter that asks for a preview: previewable types inline, under the files' sandboxing CSP. */
const INLINE_PARAM = 'inline'

/**
 * Where the service worker (or the desktop daemon) serves a vault file's
 * plaintext (`versionId`: that conflict copy's, not the current; `inline`:
 * for the viewer, shown in the page rather than saved).
 */
export function downloadUrl (fileId: string, versionId?: string, inline = false): string {
  const params = [
    ...(versionId !== undefined ? [`${VERSION_PARAM}=${encodeURIComponent(versionId)}`] : []),
    ...(inline ? [INLINE_PARAM] : [])
  ]
  return `${DOWNLOAD_PREFIX}${encodeURIComponent(fileId)}${params.length > 0 ? `?${params.join('&')}` : ''}`
}

/** How a `/download/…` URL asks for the file: `preview` (the viewer, the share page's preview) or a download. */
export function dispositionOfDownloadUrl (url: URL): 'preview' | 'attachment' {
  return url.searchParams.has(INLINE_PARAM) ? 'preview' : 'attachment'
}

/** The versionId a `/download/<fileId>?version=…` URL asks for; undefined for the current content. */
export function versionOfDownloadUrl (url: URL): string | undefined {
  return url.searchParams.get(VERSION_PARAM) ?? undefined
}

/** Where the service worker serves the shared file a share page opened (`inline` for a preview; `index` for a file of a shared folder). */
export function shareDownloadUrl (token: string, inline = false, index?: number): string {
  return `${SHARE_DOWNLOAD_PREFIX}${encodeURIComponent(token)}${index !== undefined ? `/${index}` : ''}${inline ? '?inline' : ''}`
}

/** True for a path under the shared-file route (`/download/share/…`). */
export function isShareDownloadPath (pathname: string): boolean {
  return pathname.startsWith(SHARE_DOWNLOAD_PREFIX)
}

/** True for a path under the vault-file route (`/download/…`; the shared-file route is under it too, so test that first). */
export function isDownloadPath (pathname: string): boolean {
  return pathname.startsWith(DOWNLOAD_PREFIX)
}

/**
 * A path segment unescaped. A malformed escape (`%E0%A4%A`, a link cut short)
 * is left as it is: no id or token has a '%', so it names nothing and is
 * answered "not found" in words, where decodeURIComponent's URIError made the
 * route throw and the browser show a network error.
 */
function unescapeSegment (text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** The vault file's id in `/download/<fileId>` (only call when isDownloadPath). */
export function fileIdOfDownloadPath (pathname: string): string {
  return unescapeSegment(pathname.slice(DOWNLOAD_PREFIX.length))
}

/** What a `/download/share/<token>[/<index>]` path asks for, `token/index` for a folder's file (only call when isShareDownloadPath). */
export function tokenOfShareDownloadPath (pathname: string): string {
  return unescapeSegment(pathname.slice(SHARE_DOWNLOAD_PREFIX.length))
}

/** The hash the service worker's 303 after a share opens: the page takes the files held under `id`. */
export function sharedFilesHash (id: string): string {
  return `#/shared-files/${id}`
}

/** The id in a sharedFilesHash; undefined for any other hash. */
export function parseSharedFilesHash (hash: string): string | undefined {
  return /^#\/shared-files\/([A-Za-z0-9-]{1,64})$/.exec(hash)?.[1]
}

const ZIP_DOWNLOAD_PATH = '/download/zip'
const ZIP_FOLDER_PARAM = 'folder'
const ZIP_PICK_PARAM = 'pick'

/**
 * Where a folder (or a pick of what is in it: paths relative to it) is served
 * as one streamed zip: by the service worker in a browser, by the daemon in
 * the desktop app. '' is the whole vault.
 */
export function zipDownloadUrl (folder: string, picks: readonly string[] = []): string {
  const query = new URLSearchParams()
  query.set(ZIP_FOLDER_PARAM, folder)
  for (const pick of picks) query.append(ZIP_PICK_PARAM, pick)
  return `${ZIP_DOWNLOAD_PATH}?${query.toString()}`
}

/** True for the zip route (test it before isDownloadPath, which it is under). */
export function isZipDownloadPath (pathname: string): boolean {
  return pathname === ZIP_DOWNLOAD_PATH
}

/** The folder and picks a zipDownloadUrl names. */
export function zipRequestOf (url: URL): { folder: string, picks: string[] } {
  return { folder: url.searchParams.get(ZIP_FOLDER_PARAM) ?? '', picks: url.searchParams.getAll(ZIP_PICK_PARAM) }
}
