import type { Notice } from '../../core/rpc/api.ts'
import { isDesktopApp } from './desktop-host.ts'

/** Where the page shows notices: the browser's Notification API, or nothing of it in the desktop app. */
export interface NoticeHost {
  /** The desktop app's window (meta `cairn-host=desktop`): its daemon shows system notifications itself. */
  desktop: boolean
  /** 'unsupported' where the browser has no Notification API. */
  permission: () => NotificationPermission | 'unsupported'
  /** Asks the user; call only from a click (browsers ignore or penalise asking unprompted). */
  requestPermission: () => Promise<NotificationPermission | 'unsupported'>
  /** True when no one is looking at this page (another tab, minimised). */
  hidden: () => boolean
  /** Shows a system notification (permission granted); the node's notices and the page's own (toast-wiring.ts). */
  show: (notice: Pick<Notice, 'id' | 'title' | 'body'>) => void
}

/** The real browser's host; safe where there is no `document` or `Notification` (unit tests in Node). */
export function browserNoticeHost (): NoticeHost {
  const api = typeof Notification === 'function' ? Notification : undefined
  const desktop = isDesktopApp()
  return {
    desktop,
    permission: () => api?.permission ?? 'unsupported',
    requestPermission: async () => api !== undefined ? await api.requestPermission() : 'unsupported',
    hidden: () => typeof document !== 'undefined' && document.visibilityState !== 'visible',
    show: (notice) => {
      if (api === undefined) return
      const options: NotificationOptions = { body: notice.body, tag: notice.id, icon: '/icons/icon-192.png' }
      try {
        const shown = new api(notice.title, options)
        shown.onclick = () => { window.focus(); shown.close() }
      } catch {
        // Android Chrome allows notifications only through the service worker.
        void navigator.serviceWorker?.getRegistration().then(async (registration) => { await registration?.showNotification(notice.title, options) }).catch(() => {})
      }
    }
  }
}
