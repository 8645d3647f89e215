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
      const reload = (): void => { window.location.reload() }
      navigator.serviceWorker.addEventListener('controllerchange', reload, { once: true })
      void navigator.serviceWorker.getRegistration('/').then((registration) => {
        // Every tab is offered the update; once one took it nothing waits any more
        // (messageSkipWaiting would do nothing): this tab only has to reload onto it.
        if (registration?.waiting == null) reload()
        else workbox.messageSkipWaiting()
      }, reload)
    })
  })
  void workbox.register()
}
