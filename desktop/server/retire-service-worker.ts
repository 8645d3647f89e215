/**
 * What the daemon answers at `/service-worker.js`. The desktop window runs no
 * service worker (its downloads and node are the daemon's), but a browser tab
 * of Cairn may once have registered one at this origin; its precached
 * index.html lacks the desktop meta tag, so pages it serves would start a
 * browser node instead. The browser checks the script on each navigation and
 * installs this one: it removes itself and reloads the windows it controlled,
 * which then load the daemon's page. (The page also unregisters any worker it
 * finds: web/connection/desktop-host.ts.)
 */
export const RETIRING_SERVICE_WORKER = `self.addEventListener('install', () => { self.skipWaiting() })
self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    await self.registration.unregister()
    for (const client of await self.clients.matchAll({ type: 'window' })) client.navigate(client.url)
  })())
})
`

export const SERVICE_WORKER_PATH = '/service-worker.js'
