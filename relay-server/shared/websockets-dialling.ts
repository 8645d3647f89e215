import { webSockets, type WebSocketsInit } from '@libp2p/websockets'

/** No Node-only imports here: the browser bench's prototype uses it too. */
export type Factory = ReturnType<typeof webSockets>
type Connect = (ma: unknown, options: unknown) => Promise<unknown>

/**
 * The transport reads the global `WebSocket` in `_connect`, synchronously
 * before its first await; the global is swapped for that call only, so no
 * other code ever sees it changed. Listening is unchanged.
 */
/** The WebSockets transport, dialling with `Socket` instead of the global WebSocket (swapped for the dial only). */
export function webSocketsDiallingWith (Socket: typeof globalThis.WebSocket, init?: WebSocketsInit): Factory {
  const factory = webSockets(init)
  return (components) => {
    const transport = factory(components) as ReturnType<Factory> & { _connect: Connect }
    const connect = transport._connect.bind(transport)
    transport._connect = async (ma, options) => {
      const global = globalThis.WebSocket
      globalThis.WebSocket = Socket
      let dialled: Promise<unknown>
      try {
        dialled = connect(ma, options)
      } finally {
        globalThis.WebSocket = global
      }
      return await dialled
    }
    return transport
  }
}
