import type { ShareTokensWanted } from '../../core/rpc/download-messages.ts'
import type { NodeLeaderWanted } from '../../core/rpc/node-port-messages.ts'

/** BroadcastChannel shared by every tab of the origin and the service worker; Web Lock held by the tab that runs the node worker. */
export { CHANNEL_NAME, LEADER_LOCK } from '../../core/rpc/node-port-messages.ts'

/**
 * What tabs (and the service worker) say to each other on CHANNEL_NAME. Every
 * same-origin page hears this channel, so nothing here carries a call, a
 * result, an event, a file id or a share token: calls go over each tab's own
 * port to the node worker (core/rpc/node-port-messages.ts), download requests
 * straight from the service worker to the one tab that answers them
 * (core/rpc/download-messages.ts).
 */
export type TabMessage =
  | { kind: 'leader-ready', leaderId: string }
  | { kind: 'who-leads' }
  /** From the service worker: it holds a tab's port or a download and needs the leader to say where it is. */
  | NodeLeaderWanted
  /** From the service worker: share pages, say again which tokens you hold. */
  | ShareTokensWanted

/** Sent by the leader tab to the service worker with a transferred MessagePort. */
export interface DownloadPortMessage {
  kind: 'download-port'
  requestId: string
  port: MessagePort
}
