import { CairnError } from '../errors.ts'
import type { HandlerMap } from '../rpc/handlers.ts'

/** The methods only the desktop app answers (core/rpc/api-desktop.ts). */
export type DesktopOnlyMethods = Pick<HandlerMap, 'desktop.backupPeer.info' | 'desktop.backupPeer.setEnabled' | 'desktop.network' | 'desktop.setNetwork'>

/**
 * How a node that is not the desktop app answers them: no backup peer here
 * (`info` is null, so the page shows nothing), and turning one on is refused
 * with DESKTOP_ONLY. The desktop daemon puts its own handlers over these.
 */
export function notOnThisHostHandlers (): DesktopOnlyMethods {
  return {
    'desktop.backupPeer.info': async () => null,
    'desktop.backupPeer.setEnabled': async () => {
      throw new CairnError('DESKTOP_ONLY', 'Only the desktop app can serve as a backup peer')
    },
    'desktop.network': async () => null,
    'desktop.setNetwork': async () => {
      throw new CairnError('DESKTOP_ONLY', 'Only the desktop app listens for connections')
    }
  }
}
