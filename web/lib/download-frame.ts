import { ERROR_PAGE_DETAIL_ID } from '../../core/rpc/file-stream-protocol.ts'
import { isDownloadPath } from '../../core/rpc/service-worker-urls.ts'

/** Why a download failed before its first byte, in the words of the service worker's error page. */
export interface DownloadFailure {
  title: string
  detail: string
  /** The download's address (its error page, opened in the tab). */
  href: string
}

type FailureListener = (failure: DownloadFailure) => void
const listeners = new Set<FailureListener>()

/**
 * Tells `listener` (the app's toasts) when a download fails before its first
 * byte, instead of opening the error page in the tab. Returns the stop function.
 */
export function onDownloadFailed (listener: FailureListener): () => void {
  listeners.add(listener)
  return () => { listeners.delete(listener) }
}

/**
 * Downloads start in a hidden frame, not by navigating the page. Firefox
 * treats a click on a link that turns out to be a download as the page going
 * away: it closes every WebSocket of the page and of its workers (code 1001),
 * which cuts the node's connections and breaks a share page's download from a
 * relay midway. A frame's navigation leaves the page and its workers alone, in
 * every browser. The links stay real links (keyboard, "Save link as…", a new tab).
 */
export function downloadInFrames (doc: Document = document): () => void {
  const onClick = (event: MouseEvent): void => {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null
    if (!(link instanceof HTMLAnchorElement) || link.target !== '' || link.hasAttribute('download')) return
    const url = new URL(link.href, doc.baseURI)
    if (url.origin !== new URL(doc.baseURI).origin || !isDownloadPath(url.pathname) || url.searchParams.has('inline')) return
    event.preventDefault()
    startDownload(doc, url.href)
  }
  doc.addEventListener('click', onClick)
  return () => { doc.removeEventListener('click', onClick) }
}

function startDownload (doc: Document, href: string): void {
  const frame = doc.createElement('iframe')
  frame.hidden = true
  frame.setAttribute('aria-hidden', 'true')
  frame.tabIndex = -1
  // A download never loads a document (the frame stays on an empty about:blank). A page that
  // does load is the service worker's error page ("Cairn is locked", "File not found"), which
  // this origin may frame and read: say its words in the page, or open it as the link would have.
  const onLoad = (): void => {
    const failure = errorPageIn(frame, href)
    if (failure === 'empty') return
    frame.removeEventListener('load', onLoad)
    if (failure === undefined || listeners.size === 0) {
      doc.defaultView?.location.assign(href)
      return
    }
    frame.remove()
    for (const listener of listeners) listener(failure)
  }
  frame.addEventListener('load', onLoad)
  frame.src = href
  doc.body.append(frame)
}

/** The error page the frame shows, 'empty' while it shows nothing (a download), undefined when it cannot be read. */
function errorPageIn (frame: HTMLIFrameElement, href: string): DownloadFailure | 'empty' | undefined {
  let inner: Document | null
  try {
    inner = frame.contentDocument
  } catch {
    return undefined
  }
  const body = inner?.body
  if (inner === null || inner === undefined || body === undefined || body === null) return undefined
  if (body.childElementCount === 0 && body.textContent === '') return 'empty'
  const detail = inner.getElementById(ERROR_PAGE_DETAIL_ID)?.textContent ?? ''
  const title = inner.querySelector('h1')?.textContent ?? ''
  if (detail === '' || title === '') return undefined
  return { title, detail, href }
}
