import type { ShareTokensWanted } from './download-messages.ts'
import type { NodeLeaderWanted } from './node-port-messages.ts'

/**
 * What tabs (and the service worker) say to each other on CHANNEL_NAME
 * (core/rpc/node-port-messages.ts). Every same-origin page hears this
 * channel, so nothing here carries a call, a result, an event, a file id or
 * a share token: calls go over each tab's own port to the node worker
 * (core/rpc/node-port-messages.ts), download requests straight from the
 * service worker to the one tab that answers them (core/rpc/download-messages.ts).
 */
export type TabMessage =
  | { kind: 'leader-ready', leaderId: string }
  | { kind: 'who-leads' }
  /** From the service worker: it holds a tab's port or a download and needs the leader to say where it is. */
  | NodeLeaderWanted
  /** From the service worker: share pages, say again which tokens you hold. */
  | ShareTokensWanted
