import { writeLaunchPage } from '../launch-page.ts'
import { LogBuffer } from '../../core/node/log-buffer.ts'
import { startVaultNode, type ServedNode, type VaultNode } from '../../core/node/vault-node.ts'
import { CairnError, toErrorPayload } from '../../core/errors.ts'
import { existsSync } from 'node:fs'
import { createLogger } from '../../relay-server/shared/log.ts'
import { startAppServer } from '../server/app-server.ts'
import { openDesktopStores, type DesktopStores } from './desktop-stores.ts'
import { EventHub } from './event-hub.ts'
import { desktopNodeHost } from './node-host.ts'
import type { DesktopOptions, RunningDesktop } from './desktop-types.ts'
import { startDesktopTray } from './desktop-tray.ts'
import { createAppWindow } from '../app-window.ts'
import { join } from 'node:path'
import { createSystemNotifier } from '../notify/system-notifier.ts'
import { noticeListener } from '../notify/desktop-notices.ts'
import { createDesktopBackupPeer, createDesktopPeerHandlers } from './backup-peer.ts'
import { createNetworkSettingHandlers } from './network-setting.ts'

/**
 * The desktop app (DESIGN §10): the vault's node in this process on the real
 * disk, the PWA served on a fixed loopback port with the node behind a
 * loopback WebSocket, a tray icon, and the app window. The server answers at
 * once; calls made before the node has started wait for it.
 */
export async function startDesktop (options: DesktopOptions): Promise<RunningDesktop> {
  const out = createLogger({ name: 'cairn-desktop' })
  const logs = new LogBuffer()
  // The node's log also goes to stderr (warnings and up): the daemon has no page open to read it.
  logs.subscribe((line) => { if (line.level === 'warn' || line.level === 'error') out[line.level](`${line.source}: ${line.message}`) })
  const log = logs.for('desktop')
  const hub = new EventHub()
  logs.subscribe((line) => { hub.emit('log', line) })

  if (!existsSync(join(options.distDir, 'index.html'))) {
    throw new CairnError('CONFIG_INVALID', `The app is not built in ${options.distDir}: run \`npm run build\` first (the packages carry it built)`)
  }
  // The server first, so the window can open at once; calls wait for the node (DESIGN §10).
  let resolveServed: (node: Promise<ServedNode>) => void = () => {}
  const served = new Promise<ServedNode>((resolve) => { resolveServed = (node) => { resolve(node) } })
  const app = await startAppServer({ distDir: options.distDir, host: '127.0.0.1', port: options.port, node: served, subscribe: hub.subscribe, log })
  const origin = app.origin

  const window = createAppWindow({ dataDir: options.dataDir })
  // Each opening hands the window a fresh one-time link that gives it this launch's secret,
  // through a page only this user can read (never in the browser's arguments: launch-page.ts).
  const openWindow = async (): Promise<void> => { await window.open(writeLaunchPage(options.dataDir, app.launchUrl())) }
  // The window opens now, while the stores and the node start: the page waits for the node on its own.
  const windowOpened = options.openWindow
    ? openWindow().catch((err: unknown) => { out.warn(`could not open the app window: ${toErrorPayload(err).message}; open ${origin} from the tray`) })
    : Promise.resolve()

  let stores: DesktopStores
  try {
    stores = await openDesktopStores(options.dataDir, log)
  } catch (err) {
    await windowOpened
    await window.close().catch(() => {})
    await app.close().catch(() => {})
    throw err
  }
  const nodeReady = startVaultNode(desktopNodeHost({ stores, logs, emit: hub.emit, origin: options.shareOrigin ?? origin, relays: options.relays ?? [], listenNetwork: options.listenNetwork, dataDir: options.dataDir }))
  let node: VaultNode | undefined
  nodeReady.then((started) => { node = started }, (err: unknown) => { out.error(`the node failed to start: ${toErrorPayload(err).message}`) })
  // The backup peer of the vault, in this process: a user with one computer needs nothing else.
  const backupPeer = createDesktopBackupPeer({
    dataDir: options.dataDir,
    listenNetwork: options.listenNetwork,
    relays: async () => (await (await nodeReady).handlers['network.status'](undefined)).relays,
    logs
  })
  // Not awaited: with a relay it waits up to 10 s for its reservation; it never throws.
  void nodeReady.then(async () => { await backupPeer.start() }, () => {})
  resolveServed(nodeReady.then((started) => ({ vault: started.vault, handlers: { ...started.handlers, ...createDesktopPeerHandlers(backupPeer), ...createNetworkSettingHandlers(options.dataDir, options.listenNetwork) } })))
  out.info(`serving the app at ${origin}`, { dataDir: options.dataDir })
  // The node's notices as system notifications (the window's page shows none of its own in the desktop).
  const stopNotices = hub.subscribe(noticeListener(createSystemNotifier({ log, iconPath: join(options.distDir, 'icons', 'icon-192.png') })))


  let stopping: Promise<void> | undefined
  const stop = async (): Promise<void> => {
    stopping ??= (async () => {
      out.info('quitting')
      stopNotices()
      await tray?.stop().catch(() => {})
      await window.close().catch(() => {})
      await app.close().catch(() => {})
      await backupPeer.stop().catch(() => {})
      await nodeReady.then(async (started) => { await started.stop() }, () => {})
      await stores.stop().catch((err: unknown) => { out.error(`could not close the stores: ${toErrorPayload(err).message}`) })
      out.info('stopped')
    })()
    await stopping
  }

  const tray = options.tray === false
    ? undefined
    : await startDesktopTray({ dataDir: options.dataDir, relays: options.relays ?? [], ...(options.shareOrigin !== undefined ? { shareOrigin: options.shareOrigin } : {}), node: () => node, subscribe: hub.subscribe, openWindow, quit: options.onQuit ?? (() => { void stop().then(() => { process.exit(0) }) }), log })

  await windowOpened
  return { origin, openWindow, stop }
}
