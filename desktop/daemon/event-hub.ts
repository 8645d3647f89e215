import type { EventName, NodeEvents } from '../../core/rpc/api.ts'
import type { EventMessage } from '../../core/rpc/messages.ts'

/** The node's events, fanned out to every window's socket and to the daemon's own watchers (tray, notices). */
export class EventHub {
  private readonly listeners = new Set<(message: EventMessage) => void>()

  readonly emit = <E extends EventName>(event: E, data: NodeEvents[E]): void => {
    const message = { kind: 'event', event, data } as EventMessage
    for (const listener of this.listeners) {
      try {
        listener(message)
      } catch {
        // One broken listener must not stop the others hearing the event.
      }
    }
  }

  readonly subscribe = (listener: (message: EventMessage) => void): () => void => {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }
}
