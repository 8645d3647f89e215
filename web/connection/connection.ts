import type { RpcClient } from '../../core/rpc/api.ts'
import { createRpcClient } from '../../core/rpc/rpc-client.ts'
import { leaderCarrier } from './leader-carrier.ts'

/**
 * The page's one way to reach the node (DESIGN §2: one node per origin): the
 * RPC client (core/rpc/rpc-client.ts) over this tab's line to the node worker,
 * which follows whichever tab leads (web/connection/leader-carrier.ts).
 */
export function connectToNode (): RpcClient {
  const tabId = crypto.randomUUID()
  return createRpcClient(leaderCarrier(tabId), tabId)
}
