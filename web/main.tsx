import { render } from 'preact'
import { App } from './app.tsx'
import { FramedNotice, isFramed } from './framed-guard.tsx'
import { createUpdateModel } from './models/update-model.ts'
import { connectToNode } from './connection/connection.ts'
import { registerServiceWorker } from './connection/service-worker-registration.ts'
import { takeWindowKey, unregisterServiceWorkers } from './connection/daemon-line.ts'
import { isDesktopApp } from './lib/desktop-host.ts'
import { downloadInFrames } from './lib/download-frame.ts'
import { ShareApp } from './share/share-app.tsx'
import { takeShareLink } from './share/take-share-link.ts'
import type { RpcClient } from '../core/rpc/api.ts'
import './styles.css'

const root = document.getElementById('app')
if (root === null) throw new Error('index.html has no #app element')
if (isFramed()) render(<FramedNotice href={window.location.href} />, root)
else start(root)

function start (root: HTMLElement): void {
  // Before anything reads the route from the fragment, where a desktop launch put the window key.
  if (isDesktopApp()) takeWindowKey()
  const update = createUpdateModel()
  // One client per tab, made when first needed: it elects the leader tab that hosts the node worker.
  let client: RpcClient | undefined
  const connect = (): RpcClient => (client ??= connectToNode())
  const showApp = (): void => { render(<App client={connect()} update={update} />, root) }
  const shareLink = takeShareLink()
  // A share link shows only the share page, with no vault node unless the person saves into theirs.
  if (shareLink !== undefined) render(<ShareApp link={shareLink} connect={connect} openCairn={showApp} />, root)
  else showApp()
  // Firefox closes a page's WebSockets when a link click becomes a download: downloads use a frame.
  downloadInFrames()
  // A share link opened in a tab that already runs Cairn: load it afresh, which reads and clears it.
  window.addEventListener('hashchange', () => { if (window.location.hash.startsWith('#/s/')) window.location.reload() })
  // The desktop daemon serves the app, its downloads and its node: no service worker there.
  if (isDesktopApp()) unregisterServiceWorkers()
  else registerServiceWorker(update.offer)
}
