import type { RpcClient } from '../../core/rpc/api.ts'
import { createRpcClient } from '../../core/rpc/rpc-client.ts'
import { isDesktopApp } from '../lib/desktop-host.ts'
import { daemonKey, daemonSession, openDaemonSocket } from './daemon-line.ts'
import { leaderCarrier } from './leader-carrier.ts'
import { socketCarrier } from './socket-carrier.ts'

/**
 * The page's one way to reach the node (DESIGN §2: one node per origin): the
 * RPC client (core/rpc/rpc-client.ts) over this tab's line to the node worker,
 * which follows whichever tab leads (web/connection/leader-carrier.ts); in the
 * desktop app (DESIGN §10), over a WebSocket to the daemon's node instead.
 */
export function connectToNode (): RpcClient {
  const tabId = crypto.randomUUID()
  if (isDesktopApp()) return createRpcClient(socketCarrier({ open: openDaemonSocket, daemonKey: daemonKey(), session: daemonSession }), tabId)
  return createRpcClient(leaderCarrier(tabId), tabId)
}
