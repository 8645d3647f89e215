import type { HandlerMap } from '../rpc/handlers.ts'
import type { Notices } from './notices.ts'

export type NoticeMethods = 'notices.settings' | 'notices.setSettings'

/** Settings → Notifications: which kinds of notice are on. */
export function createNoticeHandlers (notices: Notices): Pick<HandlerMap, NoticeMethods> {
  return {
    'notices.settings': async () => notices.settings(),
    'notices.setSettings': async (change) => await notices.setSettings(change)
  }
}
