import { CairnError, toErrorPayload } from '../errors.ts'
import type { ArgsOf, MethodName, ResultOf } from './api.ts'
import type { CallMessage, ResultMessage } from './messages.ts'

/** The node's side of the API: one async function per method. */
export type HandlerMap = {
  [M in MethodName]: (args: ArgsOf<M>) => Promise<ResultOf<M>>
}

/**
 * Runs one call against the handler map and always produces a result message;
 * errors become `{code, message}` so they survive postMessage.
 */
export async function dispatchCall (handlers: HandlerMap, message: CallMessage): Promise<ResultMessage> {
  const handler = handlers[message.method] as ((args: unknown) => Promise<unknown>) | undefined
  try {
    if (handler === undefined) throw new CairnError('RPC_UNKNOWN_METHOD', `unknown method ${String(message.method)}`)
    const value = await handler(message.args)
    return { kind: 'result', id: message.id, ok: true, value } as ResultMessage
  } catch (err) {
    return { kind: 'result', id: message.id, ok: false, error: toErrorPayload(err) }
  }
}
