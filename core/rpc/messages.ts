import type { ErrorPayload } from '../errors.ts'
import type { ArgsOf, EventName, MethodName, NodeEvents, ResultOf } from './api.ts'

/**
 * Messages between a tab and the node worker (and, relayed by the leader tab,
 * between other tabs and the node). A discriminated union on `kind`.
 */
export interface CallMessage<M extends MethodName = MethodName> {
  kind: 'call'
  /** Unique per call; prefixed with the calling tab's id so the leader can route the reply. */
  id: string
  method: M
  args: ArgsOf<M>
}

export type ResultMessage<M extends MethodName = MethodName> =
  | { kind: 'result', id: string, ok: true, value: ResultOf<M> }
  | { kind: 'result', id: string, ok: false, error: ErrorPayload }

export interface EventMessage<E extends EventName = EventName> {
  kind: 'event'
  event: E
  data: NodeEvents[E]
}

/** Asks the worker to stream a file's plaintext through `port` (see file-stream-protocol.ts). */
export interface StreamFileMessage {
  kind: 'stream-file'
  fileId: string
  port: MessagePort
}

export type ToNodeMessage = CallMessage | StreamFileMessage
export type FromNodeMessage = ResultMessage | EventMessage
