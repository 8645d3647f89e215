import { Workbox } from 'workbox-window'

/**
 * Registers the service worker (app-shell precache, streamed downloads) and
 * tells the UI when a new version is waiting. `applyUpdate` activates it and
 * reloads once it controls the page — only when the user asks, so an upload
 * in progress is never cut off by an update.
 */
export function registerServiceWorker (onUpdateReady: (applyUpdate: () => void) => void): void {
  if (!('serviceWorker' in navigator)) return
  const workbox = new Workbox('/service-worker.js', { type: 'module', scope: '/' })
  workbox.addEventListener('waiting', () => {
    onUpdateReady(() => {
      workbox.addEventListener('controlling', () => { window.location.reload() })
      workbox.messageSkipWaiting()
    })
  })
  void workbox.register()
}
