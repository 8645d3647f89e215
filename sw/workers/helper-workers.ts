/**
 * Firefox (Gecko): a worker started from this worker's thread can block the
 * thread in `new Worker()` while the service worker is busy (streaming a
 * download, precaching on the first visit) until the service worker is
 * stopped about 30 s later; the download then saves empty. There the hash and
 * seal work stays on this thread (WebCrypto still encrypts off it).
 */
export function helperWorkersMayBlock (userAgent: string): boolean {
  return /\bGecko\/\d/.test(userAgent) && /\bFirefox\//.test(userAgent)
}
