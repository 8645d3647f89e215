import type { ErrorPayload } from '../errors.ts'
import type { ArgsOf, EventName, MethodName, NodeEvents, ResultOf } from './api.ts'

/**
 * Messages between a tab and the node worker: the leader tab's through the
 * worker itself, every other tab's through its own MessagePort to the worker
 * (never a BroadcastChannel). A discriminated union on `kind`.
 */
export interface CallMessage<M extends MethodName = MethodName> {
  kind: 'call'
  /** Unique per call within the calling tab. */
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
  /** A conflict copy's (or earlier version's) id: its content, not the file's current one. */
  versionId?: string
  port: MessagePort
}

/**
 * From the leader tab: another tab's own port to the node (core/rpc/node-port-messages.ts).
 * Calls that arrive on it are answered on it; events go to it as well.
 */
export interface ConnectPortMessage {
  kind: 'connect-port'
  port: MessagePort
}

/** Asks the worker to stream a zip of a folder, or of the picks in it, through `port` (core/vault/vault-zip.ts). */
export interface StreamZipMessage {
  kind: 'stream-zip'
  folder: string
  picks: string[]
  port: MessagePort
}

export type ToNodeMessage = CallMessage | StreamFileMessage | ConnectPortMessage | StreamZipMessage
/** Sent first on a tab's own port (ConnectPortMessage): the node worker has it, calls may follow. */
export interface PortReadyMessage {
  kind: 'port-ready'
}

export type FromNodeMessage = ResultMessage | EventMessage | PortReadyMessage
