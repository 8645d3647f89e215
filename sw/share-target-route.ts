/**
 * Web Share Target (https://w3c.github.io/web-share-target/): the OS share
 * sheet POSTs the shared files to /share-target (manifest.webmanifest
 * `share_target`). The files stay in this service worker's memory only, never
 * in IndexedDB or the Cache API, since they are plaintext; the page that the
 * redirect opens takes them once (`shared-files-take`) and offers to add them
 * to the vault. A service worker that is stopped before then loses them, and
 * the page says so.
 *
 * Any website can auto-submit a form here (`sameOrigin` checks only the
 * request URL; the worker sees no Sec-Fetch headers and a Referer can be
 * suppressed), so the page adds nothing without the user's "Add to vault" and
 * never at a path a file already has (web/models/shared-inbox-model.ts).
 * What one share leaves in memory is capped (core/rpc/share-target-messages.ts:
 * 50 files, 250 MB in all); the files past a cap are refused by name, and
 * the page says which, while the others wait as usual.
 *
 * Typed without the WebWorker lib so the unit tests can run it in Node.
 */

import {
  SHARE_TARGET_MAX_BODY_BYTES, SHARE_TARGET_MAX_BYTES, SHARE_TARGET_MAX_FILES,
  type RefusedSharedFile, type SharedFilesReply, type SharedFilesTake
} from '../core/rpc/share-target-messages.ts'
import { SHARE_TARGET_PATH, sharedFilesHash } from '../core/rpc/service-worker-urls.ts'

export type { SharedFilesReply, SharedFilesTake } from '../core/rpc/share-target-messages.ts'

/** The form field named in the manifest's `share_target.params.files`. */
const FILES_FIELD = 'files'
/** Files nobody took are dropped after this, so memory is not held forever. */
const KEEP_MS = 5 * 60_000

interface Held {
  files: File[]
  refused: RefusedSharedFile[]
  taken: () => void
}

/** How much one share may leave in memory (tests pass small ones). */
export interface ShareTargetCaps {
  maxFiles: number
  maxBytes: number
  maxBodyBytes: number
}

const DEFAULT_CAPS: ShareTargetCaps = { maxFiles: SHARE_TARGET_MAX_FILES, maxBytes: SHARE_TARGET_MAX_BYTES, maxBodyBytes: SHARE_TARGET_MAX_BODY_BYTES }

/** Keeps files in the order shared while they fit both caps; names the others. */
export function capSharedFiles (files: File[], caps: Pick<ShareTargetCaps, 'maxFiles' | 'maxBytes'> = DEFAULT_CAPS): { kept: File[], refused: RefusedSharedFile[] } {
  const kept: File[] = []
  const refused: RefusedSharedFile[] = []
  let bytes = 0
  for (const file of files) {
    if (kept.length >= caps.maxFiles) refused.push({ name: file.name, size: file.size, reason: 'too-many' })
    else if (bytes + file.size > caps.maxBytes) refused.push({ name: file.name, size: file.size, reason: 'too-large' })
    else {
      kept.push(file)
      bytes += file.size
    }
  }
  return { kept, refused }
}

const held = new Map<string, Held>()


/** True for the share sheet's POST (same origin, exact path); the arguments are workbox's match options. */
export function isShareTarget ({ url, request, sameOrigin }: { url: URL, request: Request, sameOrigin: boolean }): boolean {
  return sameOrigin && request.method === 'POST' && url.pathname === SHARE_TARGET_PATH
}

/** Keeps the shared files under a random id and sends the browser to the page that takes them (303: the follow-up is a GET). */
export async function answerShareTarget ({ request, event }: { request: Request, event: { waitUntil: (p: Promise<unknown>) => void } }, caps: ShareTargetCaps = DEFAULT_CAPS): Promise<Response> {
  const home = new URL('/', request.url)
  const length = Number(request.headers.get('Content-Length') ?? NaN)
  if (length > caps.maxBodyBytes) {
    // Not read at all: nothing of it is held, and the page says why.
    await request.body?.cancel().catch(() => {})
    return hold(home, [], [{ name: '', size: length, reason: 'share-too-large' }], event)
  }
  let form: FormData
  try {
    form = await request.formData()
  } catch {
    return Response.redirect(home, 303)
  }
  // An empty file input still sends one part with no name and no bytes.
  const files = form.getAll(FILES_FIELD).filter((v): v is File => typeof v !== 'string' && !(v.name === '' && v.size === 0))
  if (files.length === 0) return Response.redirect(home, 303)
  const { kept, refused } = capSharedFiles(files, caps)
  return hold(home, kept, refused, event)
}

function hold (home: URL, files: File[], refused: RefusedSharedFile[], event: { waitUntil: (p: Promise<unknown>) => void }): Response {
  const id = crypto.randomUUID()
  const kept = new Promise<void>((resolve) => {
    const timer = setTimeout(() => { held.delete(id); resolve() }, KEEP_MS)
    held.set(id, { files, refused, taken: () => { clearTimeout(timer); resolve() } })
  })
  // Keep the worker alive until the page has taken them (the respondWith promise is still pending, so waitUntil is allowed).
  event.waitUntil(kept)
  return Response.redirect(new URL(`/${sharedFilesHash(id)}`, home), 303)
}

/** Hands the files to the one page that asks first and forgets them. */
export function takeSharedFiles (message: SharedFilesTake, reply: Pick<MessagePort, 'postMessage'> | undefined): void {
  const entry = held.get(message.id)
  held.delete(message.id)
  entry?.taken()
  const answer: SharedFilesReply = entry === undefined ? { kind: 'shared-files-lost' } : { kind: 'shared-files', files: entry.files, refused: entry.refused }
  reply?.postMessage(answer)
}
