import type { WebSocketsInit } from '@libp2p/websockets'
import { coalescingWebSockets, type CoalescingCounts, type WebSocketClass } from '../../../core/node/coalescing-websockets.ts'

export { COALESCE_MAX_BYTES, coalescingSocketClass, type CoalescingCounts, type WebSocketClass } from '../../../core/node/coalescing-websockets.ts'

/**
 * Issue 12's coalescing sends, shipped since in the browser node
 * (core/node/coalescing-websockets.ts); the bench's Node device still
 * dials with it as `proto.replicate.node.direct.coalescing_ws`.
 */
export function webSocketsWith (Socket: WebSocketClass, init?: WebSocketsInit): ReturnType<typeof coalescingWebSockets> {
  return coalescingWebSockets(init, Socket)
}

/** `Base` counting its sends, each one message: the plain transport's figure for the same count. */
export function countingSocketClass (Base: WebSocketClass, counts: CoalescingCounts): WebSocketClass {
  return class CountingWebSocket extends Base {
    override send (data: Parameters<WebSocket['send']>[0]): void {
      counts.sends++
      counts.messages++
      super.send(data)
    }
  }
}
