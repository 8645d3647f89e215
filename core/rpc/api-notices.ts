/**
 * Notices: what the node tells the user about on its own (issue 11) — shown
 * as system notifications by the desktop app and through the Notification
 * API by the PWA. Part of the node's API contract: see api.ts, which
 * re-exports the types. Everything here must survive structured clone.
 */

/** The kinds of notice, each of which the user can turn off. */
export type NoticeKind = 'backup-done' | 'sync-conflict' | 'device-paired' | 'storage-almost-full' | 'peer-unreachable'

/** Every kind, in the order Settings lists them. */
export const NOTICE_KINDS: readonly NoticeKind[] = ['backup-done', 'sync-conflict', 'device-paired', 'storage-almost-full', 'peer-unreachable']

/** One notice, in words a user reads (no ids beyond a short device name or a path). */
export interface Notice {
  kind: NoticeKind
  title: string
  body: string
  /** Stable for "the same thing again" (a notification with this tag replaces the last one). */
  id: string
}

/** Which kinds are on (all by default). */
export type NoticeSettings = Record<NoticeKind, boolean>
