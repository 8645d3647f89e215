import type { DesktopOnlyMethods } from '../../core/node/desktop-only-handlers.ts'
import { readDesktopConfig, updateDesktopConfig } from '../desktop-config.ts'

/**
 * Settings → "Accept connections from my network": saved in desktop.json and
 * applied at the next start (libp2p binds its listeners when the node
 * starts). Off, everything listens on loopback only (DESIGN §10); the app
 * port never listens beyond loopback either way.
 */
export function createNetworkSettingHandlers (dataDir: string, acceptingNow: boolean): Pick<DesktopOnlyMethods, 'desktop.network' | 'desktop.setNetwork'> {
  const current = (): { acceptFromNetwork: boolean, acceptingNow: boolean } => ({ acceptFromNetwork: readDesktopConfig(dataDir)?.listenNetwork === true, acceptingNow })
  return {
    'desktop.network': async () => current(),
    'desktop.setNetwork': async ({ acceptFromNetwork }) => {
      updateDesktopConfig(dataDir, { listenNetwork: acceptFromNetwork === true })
      return current()
    }
  }
}
