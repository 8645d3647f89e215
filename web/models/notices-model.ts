import { signal, type ReadonlySignal } from '@preact/signals'
import type { Notice, NoticeKind, NoticeSettings, RpcClient } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'
import type { NoticeHost } from '../lib/notice-host.ts'

/** What each kind's checkbox says in Settings → Notifications. */
export const NOTICE_KIND_WORDS: Record<NoticeKind, string> = {
  'backup-done': 'A backup finished after a long upload',
  'sync-conflict': 'A file was changed on two devices at once',
  'device-paired': 'A device was paired',
  'storage-almost-full': "This device's storage is almost full",
  'peer-unreachable': 'A backup peer has not answered for a day'
}

/** In-page notices kept at most (the oldest go first). */
const SHOWN_MAX = 3

/**
 * Notices from the node (issue 11): a system notification while the page is
 * hidden and the user allowed them, else a note in the page; and Settings →
 * Notifications. The desktop app's window shows none: its daemon does.
 */
export interface NoticesModel {
  desktop: boolean
  settings: ReadonlySignal<NoticeSettings | undefined>
  permission: ReadonlySignal<NotificationPermission | 'unsupported'>
  error: ReadonlySignal<string | undefined>
  /** Notices shown in the page, newest last. */
  shown: ReadonlySignal<Notice[]>
  load: () => Promise<void>
  set: (kind: NoticeKind, on: boolean) => Promise<void>
  /** "Allow notifications": only ever from a click. */
  allow: () => Promise<void>
  dismiss: (id: string) => void
  start: () => () => void
  reset: () => void
}

export function createNoticesModel (client: RpcClient, host: NoticeHost): NoticesModel {
  const settings = signal<NoticeSettings | undefined>(undefined)
  const permission = signal(host.permission())
  const error = signal<string | undefined>(undefined)
  const shown = signal<Notice[]>([])
  const arrived = (notice: Notice): void => {
    if (host.desktop) return
    if (host.hidden() && host.permission() === 'granted') {
      host.show(notice)
      return
    }
    // In view, a finished backup is a toast (web/models/toast-wiring.ts), not a note that waits.
    if (notice.kind === 'backup-done') return
    shown.value = [...shown.peek().filter(n => n.id !== notice.id), notice].slice(-SHOWN_MAX)
  }
  return {
    desktop: host.desktop,
    settings,
    permission,
    error,
    shown,
    load: async () => {
      permission.value = host.permission()
      try {
        settings.value = await client.call('notices.settings', undefined)
      } catch (err) {
        error.value = errorMessage(err)
      }
    },
    set: async (kind, on) => {
      error.value = undefined
      try {
        settings.value = await client.call('notices.setSettings', { [kind]: on })
      } catch (err) {
        error.value = errorMessage(err)
      }
    },
    allow: async () => {
      permission.value = await host.requestPermission()
    },
    dismiss: (id) => { shown.value = shown.peek().filter(n => n.id !== id) },
    start: () => client.on('notice', arrived),
    reset: () => { shown.value = []; error.value = undefined }
  }
}
