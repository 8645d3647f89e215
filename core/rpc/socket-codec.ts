import { decode, encode } from 'cborg'
import { CairnError } from '../errors.ts'
import type { DaemonToPageMessage, PageToDaemonMessage } from './socket-messages.ts'

/**
 * One message per binary WebSocket frame, in CBOR (cborg): it carries
 * Uint8Array and undefined, which JSON does not. A frame that is not CBOR or
 * has no `kind` throws INVALID_ARGUMENT (the receiver drops the socket).
 */
export function encodeFrame (message: PageToDaemonMessage | DaemonToPageMessage): Uint8Array {
  return encode(message)
}

export function decodePageFrame (frame: Uint8Array): PageToDaemonMessage {
  return decodeKind(frame) as PageToDaemonMessage
}

export function decodeDaemonFrame (frame: Uint8Array): DaemonToPageMessage {
  return decodeKind(frame) as DaemonToPageMessage
}

function decodeKind (frame: Uint8Array): unknown {
  let value: unknown
  try {
    value = decode(frame)
  } catch (err) {
    throw new CairnError('INVALID_ARGUMENT', 'a socket frame is not CBOR', { cause: err })
  }
  if (typeof value !== 'object' || value === null || typeof (value as { kind?: unknown }).kind !== 'string') {
    throw new CairnError('INVALID_ARGUMENT', 'a socket frame has no kind')
  }
  return value
}
