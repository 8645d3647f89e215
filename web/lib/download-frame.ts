import { isDownloadPath } from '../../core/rpc/service-worker-urls.ts'

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
  // A download never loads a document; a page that does load is the service worker's error
  // page ("Cairn is locked", "Nobody is sharing this file"): show it as the link would have.
  const onLoad = (): void => {
    const body = frame.contentDocument?.body
    if (body !== undefined && body !== null && body.childElementCount === 0 && body.textContent === '') return
    frame.removeEventListener('load', onLoad)
    doc.defaultView?.location.assign(href)
  }
  frame.addEventListener('load', onLoad)
  frame.src = href
  doc.body.append(frame)
}
