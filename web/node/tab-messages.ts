import type { CallMessage, EventMessage, ResultMessage } from '../../core/rpc/messages.ts'

/** BroadcastChannel shared by every tab of the origin and the service worker. */
export const CHANNEL_NAME = 'cairn-node'
/** Web Lock held by the tab that runs the node worker. */
export const LEADER_LOCK = 'cairn-node-leader'

/** What tabs (and the service worker) say to each other on CHANNEL_NAME. */
export type TabMessage =
  | { kind: 'leader-ready', leaderId: string }
  | { kind: 'who-leads' }
  | { kind: 'tab-call', to: string, call: CallMessage }
  | { kind: 'tab-result', result: ResultMessage }
  | { kind: 'tab-event', event: EventMessage }
  /** From the service worker: please stream this file to me. */
  | { kind: 'download-open', requestId: string, fileId: string }
  /** From the service worker: please stream the shared file your page opened as `token`. */
  | { kind: 'share-download-open', requestId: string, token: string }

/** Sent by the leader tab to the service worker with a transferred MessagePort. */
export interface DownloadPortMessage {
  kind: 'download-port'
  requestId: string
  port: MessagePort
}
