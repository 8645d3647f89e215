import type { WebSocketsInit } from '@libp2p/websockets'
import { withJoinedSends } from './joined-sends.ts'
import { webSocketsDiallingWith, type Factory } from './websockets-dialling.ts'
import { WebSocket as WsWebSocket, type ClientOptions } from 'ws'

/**
 * The client options every Node dial uses. No permessage-deflate: the
 * payload is Noise ciphertext, which does not compress. A zero masking key:
 * RFC 6455 §5.3 has clients mask so that a script in a browser cannot choose
 * the bytes a proxy sees (§10.3); a Node host runs no one else's script, and
 * after the handshake every byte is Noise ciphertext nobody chooses. ws
 * skips the XOR pass for a zero key, and the receiver (ws) skips unmasking.
 */
export const NODE_WEBSOCKET_OPTIONS: ClientOptions = {
  perMessageDeflate: false,
  generateMask: (mask: Buffer) => { mask.fill(0) }
}

/** ws's client with {@link NODE_WEBSOCKET_OPTIONS}, constructed as the DOM's `new WebSocket(url)` is. */
export class NodeWebSocket extends WsWebSocket {
  /** Sockets made so far (tests check the transport really dialled with this class). */
  static made = 0

  constructor (address: string | URL, protocols?: string | string[]) {
    super(address, protocols, NODE_WEBSOCKET_OPTIONS)
    NodeWebSocket.made++
  }
}


/**
 * `webSockets()` for a Node host (the backup peer, the desktop daemon, the
 * bench's Node device): it dials with the `ws` package instead of Node's
 * global WebSocket (undici). undici masks every outgoing byte in a
 * JavaScript loop (`createFrame`) that V8 kept deoptimising here: 62 % of a
 * Node → peer replication's CPU profile, ~3 MB/s on a loaded machine
 * (tests/bench/README.md, "Node ↔ Node"). Listening is unchanged (the
 * transport's listener is ws already).
 *
 * The transport reads the global `WebSocket` in `_connect`, synchronously
 * before its first await; the global is swapped for that call only, so no
 * other code ever sees it changed.
 *
 * Connections it dials and accepts send each write's pieces as few
 * WebSocket messages (`withJoinedSends`, joined-sends.ts).
 */
export function nodeWebSockets (init?: WebSocketsInit): Factory {
  return withJoinedSends(webSocketsDiallingWith(NodeWebSocket as unknown as typeof globalThis.WebSocket, init))
}
