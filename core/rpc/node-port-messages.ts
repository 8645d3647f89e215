/**
 * How a tab that does not run the node gets its own line to the node worker
 * (issue 8, "secrets stay in one place"). RPC calls carry passphrases and
 * recovery phrases and their results carry recovery phrases, so they never
 * travel on the BroadcastChannel, which every same-origin page can hear.
 * Instead the tab makes a MessageChannel, keeps one end and hands the other
 * to the service worker; the service worker gives it to the tab that runs
 * the node (which told the service worker so when it took LEADER_LOCK), and
 * that tab transfers it to its node worker. A port is point-to-point: only
 * the two ends see what goes through it.
 */

/** BroadcastChannel shared by every tab of the origin and the service worker: who leads, never a secret. */
export const CHANNEL_NAME = 'cairn-node'
/** Web Lock held by the tab that runs the node worker (DESIGN §2). */
export const LEADER_LOCK = 'cairn-node-leader'

/** Leader tab → service worker: ports for the node come to me. */
export interface NodeLeaderHere {
  kind: 'node-leader'
}

/**
 * Service worker → every tab, on CHANNEL_NAME: a port is waiting and I do not
 * know the leader (I was restarted or updated since it told me); the leader
 * answers with NodeLeaderHere.
 */
export interface NodeLeaderWanted {
  kind: 'node-leader-wanted'
}

/** Tab → service worker: please hand this port to the node's tab. */
export interface NodePortOffer {
  kind: 'node-port-offer'
  port: MessagePort
}

/** Service worker → the leader tab: a port from another tab, for the node worker. */
export interface NodePortDelivery {
  kind: 'node-port'
  port: MessagePort
}

/** Tab → node worker over its port: this tab is going away, stop sending to it. */
export interface NodePortClose {
  kind: 'port-close'
}
