/// <reference lib="webworker" />
import { CHANNEL_NAME, type NodeLeaderWanted, type NodePortDelivery } from '../core/rpc/node-port-messages.ts'

declare const self: ServiceWorkerGlobalScope

/** How long a port waits for the leader to say where it is. */
const LEADER_WAIT_MS = 10_000

/** The client (tab) that runs the node, as it last told this worker. */
let leaderId: string | undefined
const waiting = new Set<() => void>()

/** The leader tab says ports for the node go to it (NodeLeaderHere). */
export function registerLeader (clientId: string): void {
  leaderId = clientId
  for (const wake of waiting) wake()
  waiting.clear()
}

/**
 * Passes a tab's port (core/rpc/node-port-messages.ts) to the tab that runs
 * the node, and to it alone: a port is point-to-point, unlike the
 * BroadcastChannel. A service worker started since the leader last spoke
 * asks for it on the channel (a question with no secret in it). With no
 * leader the port is closed; the tab makes a new one when a leader is ready.
 */
export async function forwardNodePort (port: MessagePort): Promise<void> {
  const leader = await leaderClient()
  if (leader === undefined) {
    port.close()
    return
  }
  leader.postMessage({ kind: 'node-port', port } satisfies NodePortDelivery, [port])
}

/** The tab that runs the node, asking for it on the channel if this worker does not know it. */
export async function leaderClient (): Promise<Client | undefined> {
  return await currentLeader() ?? await askForLeader()
}

async function currentLeader (): Promise<Client | undefined> {
  return leaderId === undefined ? undefined : await self.clients.get(leaderId)
}

async function askForLeader (): Promise<Client | undefined> {
  const channel = new BroadcastChannel(CHANNEL_NAME)
  let wake = (): void => {}
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    const told = new Promise<void>((resolve) => {
      wake = resolve
      waiting.add(wake)
      timer = setTimeout(resolve, LEADER_WAIT_MS)
    })
    channel.postMessage({ kind: 'node-leader-wanted' } satisfies NodeLeaderWanted)
    await told
    return await currentLeader()
  } finally {
    waiting.delete(wake)
    clearTimeout(timer)
    channel.close()
  }
}
