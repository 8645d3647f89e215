/**
 * One line between the RPC client and the node: post a message, receive
 * messages. A MessagePort to the node worker carries it in the browser; a
 * WebSocket to the desktop daemon can carry it next. The client
 * (core/rpc/rpc-client.ts) knows nothing else about the line.
 */
export interface RpcCarrier<Out, In> {
  post: (message: Out) => void
  /** Calls `listener` with every message that arrives; returns the function that stops it. */
  listen: (listener: (message: In) => void) => () => void
}

/** The part of a MessagePort (or a Worker) a carrier needs. */
export interface PortLike {
  postMessage: (message: unknown) => void
  addEventListener: (type: 'message', listener: (ev: MessageEvent) => void) => void
  removeEventListener: (type: 'message', listener: (ev: MessageEvent) => void) => void
}

/** A carrier over a MessagePort: structured clone, in order. */
export function messagePortCarrier<Out, In> (port: PortLike & { start?: () => void }): RpcCarrier<Out, In> {
  return {
    post: (message) => { port.postMessage(message) },
    listen: (listener) => {
      const onMessage = (ev: MessageEvent): void => { listener(ev.data as In) }
      port.addEventListener('message', onMessage)
      // A port's addEventListener (unlike onmessage) delivers nothing until started.
      port.start?.()
      return () => { port.removeEventListener('message', onMessage) }
    }
  }
}
