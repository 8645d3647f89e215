import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import { CairnError, FormatInvalidError } from '../../errors.ts'
import type { Stream } from '@libp2p/interface'

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** What @libp2p/utils buffers of unread bytes by default (its DEFAULT_MAX_BUFFER_SIZE). */
const LIBP2P_READ_BUFFER = 4 * 1024 * 1024

/**
 * A stream that carries varint-length-prefixed JSON messages of at most `maxBytes`.
 * The read buffer must hold a whole message and the start of the next: left at
 * libp2p's 4 MiB, a larger message (a sync batch of blocks) resets the stream.
 */
export function jsonStream (stream: Stream, maxBytes: number): LengthPrefixedStream<Stream> {
  return lpStream(stream, { maxDataLength: maxBytes, maxBufferSize: Math.max(LIBP2P_READ_BUFFER, 2 * maxBytes) })
}

/** Length errors of @libp2p/utils (compared by name: they are its classes, not ours). */
const TOO_LARGE = new Set(['InvalidDataLengthError', 'InvalidDataLengthLengthError'])

/**
 * Reads one JSON message. Too long: REQUEST_TOO_LARGE (the length prefix is
 * checked before any body byte is buffered). Not JSON: FORMAT_INVALID.
 */
export async function readJson (lp: LengthPrefixedStream<Stream>, signal?: AbortSignal): Promise<unknown> {
  let bytes: Uint8Array
  try {
    bytes = (await lp.read(signal !== undefined ? { signal } : {})).subarray()
  } catch (err) {
    const name = (err as Error).name
    if (TOO_LARGE.has(name)) throw new CairnError('REQUEST_TOO_LARGE', 'the message is larger than the peer accepts', { cause: err })
    if (name === 'UnexpectedEOFError') throw new FormatInvalidError('the stream ended before a whole message arrived', { cause: err })
    throw err
  }
  try {
    return JSON.parse(decoder.decode(bytes))
  } catch (err) {
    throw new FormatInvalidError('the message is not UTF-8 JSON', { cause: err })
  }
}

/** Writes one JSON message. */
export async function writeJson (lp: LengthPrefixedStream<Stream>, value: unknown, signal?: AbortSignal): Promise<void> {
  await lp.write(encoder.encode(JSON.stringify(value)), signal !== undefined ? { signal } : {})
}

/** The encoded size of a message, to check it against a limit before sending. */
export function jsonSize (value: unknown): number {
  return encoder.encode(JSON.stringify(value)).byteLength
}
