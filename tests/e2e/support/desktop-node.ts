import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { startVaultNode, type ServedNode } from '../../../core/node/vault-node.ts'
import { openDesktopStores } from '../../../desktop/daemon/desktop-stores.ts'
import { EventHub } from '../../../desktop/daemon/event-hub.ts'
import { desktopNodeHost } from '../../../desktop/daemon/node-host.ts'
import { startAppServer, type AppServer } from '../../../desktop/server/app-server.ts'

/**
 * The desktop daemon's node behind its app server, as startDesktop composes
 * them (desktop/daemon/start-desktop.ts) but without tray, window or backup
 * peer: a real vault node on disk stores in a temporary data folder, no network.
 */
export async function startDesktopNode (): Promise<{ server: AppServer, stop: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-desktop-'))
  const logs = new LogBuffer()
  const log = logs.for('desktop')
  const hub = new EventHub()
  logs.subscribe((line) => { hub.emit('log', line) })
  let serve: (node: Promise<ServedNode>) => void = () => {}
  const served = new Promise<ServedNode>((resolve) => { serve = (node) => { resolve(node) } })
  const server = await startAppServer({ distDir: 'dist', host: '127.0.0.1', port: 0, node: served, subscribe: hub.subscribe, log })
  const stores = await openDesktopStores(dataDir, log)
  const node = startVaultNode(desktopNodeHost({ stores, logs, emit: hub.emit, origin: server.origin, relays: [], listenNetwork: false, dataDir }))
  serve(node)
  return {
    server,
    stop: async () => {
      await server.close()
      await node.then(async (started) => { await started.stop() }, () => {})
      await stores.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
