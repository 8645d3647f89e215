import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import { CID } from 'multiformats/cid'
import { CairnError, FormatInvalidError } from '../../errors.ts'
import type { Stream } from '@libp2p/interface'

/**
 * The batched block exchange (issue 12): one long-lived stream from the
 * side fetching (the backup peer backing up a device, or a device restoring
 * or reading from its backup peer or another device) to the side serving.
 * The fetcher writes requests, each one length-prefixed frame holding CIDs
 * back to back in their binary form (an empty frame ends the exchange); the
 * server answers every CID, in order, with a one-byte frame, its tag, and
 * after {@link ANSWER_BLOCK} a second frame, the block's bytes (both written
 * in one send, the block not copied). The fetcher hashes every block it
 * receives; the server reads blocks unchecked (as it serves bitswap,
 * core/node/bitswap-serving.ts).
 */
export const BLOCKS_PROTOCOL = '/cairn/blocks/1.0.0'

/** The block follows the tag. */
export const ANSWER_BLOCK = 0
/** The device does not have the block (yet: it may still be encrypting it). */
export const ANSWER_DONT_HAVE = 1
/** The device serves no blocks to this peer (not one of the vault's own). */
export const ANSWER_REFUSED = 2

/** CIDs in one request, at most: a device answers a request before reading the next. */
export const MAX_REQUEST_CIDS = 256
/** A request's bytes, at most (256 CIDs of up to 64 bytes: sha2-256 CIDs are 36). */
export const MAX_REQUEST_BYTES = 16 * 1024
/** The largest block an answer may carry (Cairn's blocks are at most 1 MiB and a header; room for a little more). */
export const MAX_BLOCK_BYTES = 2 * 1024 * 1024
/** A device waits this long for the next request or for an answer to be taken, then resets the stream (the peer ends an idle one after 30 s). */
export const SERVER_WAIT_MS = 60_000
/** Streams one peer may hold open to a device at once. */
export const MAX_STREAMS_PER_PEER = 2

const TAGS: readonly Uint8Array[] = [Uint8Array.of(ANSWER_BLOCK), Uint8Array.of(ANSWER_DONT_HAVE), Uint8Array.of(ANSWER_REFUSED)]

/** The device's side of the stream: reads requests (small), writes answers. */
export function serverStream (stream: Stream): LengthPrefixedStream<Stream> {
  return lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES, maxBufferSize: 4 * MAX_REQUEST_BYTES })
}

/** The peer's side: reads answers; its read buffer holds `window` whole blocks and one more (only what was asked for is sent). */
export function clientStream (stream: Stream, window: number): LengthPrefixedStream<Stream> {
  return lpStream(stream, { maxDataLength: MAX_BLOCK_BYTES, maxBufferSize: (window + 1) * (MAX_BLOCK_BYTES + 16) })
}

/** A request's frame: the CIDs' bytes back to back. */
export function encodeRequest (cids: readonly CID[]): Uint8Array {
  if (cids.length > MAX_REQUEST_CIDS) throw new CairnError('REQUEST_TOO_LARGE', `at most ${MAX_REQUEST_CIDS} CIDs a request`)
  const size = cids.reduce((sum, cid) => sum + cid.bytes.byteLength, 0)
  if (size > MAX_REQUEST_BYTES) throw new CairnError('REQUEST_TOO_LARGE', 'the request is larger than a device accepts')
  const out = new Uint8Array(size)
  let offset = 0
  for (const cid of cids) { out.set(cid.bytes, offset); offset += cid.bytes.byteLength }
  return out
}

/** The CIDs of a request's frame. More than {@link MAX_REQUEST_CIDS}: REQUEST_TOO_LARGE; anything not CIDs: FORMAT_INVALID. */
export function decodeRequest (frame: Uint8Array): CID[] {
  const cids: CID[] = []
  let rest = frame
  while (rest.byteLength > 0) {
    if (cids.length === MAX_REQUEST_CIDS) throw new CairnError('REQUEST_TOO_LARGE', `more than ${MAX_REQUEST_CIDS} CIDs in a request`)
    try {
      const [cid, remainder] = CID.decodeFirst(rest)
      cids.push(cid)
      rest = remainder
    } catch (err) {
      throw new FormatInvalidError('a block request holds something that is not a CID', { cause: err })
    }
  }
  return cids
}

/** Writes one answer: its tag and, for a block, the block (two frames, one send). */
export async function writeAnswer (lp: LengthPrefixedStream<Stream>, tag: number, block?: Uint8Array, signal?: AbortSignal): Promise<void> {
  const head = TAGS[tag]
  if (head === undefined) throw new CairnError('INVALID_ARGUMENT', `no answer tag ${tag}`)
  const options = signal !== undefined ? { signal } : {}
  if (block === undefined) await lp.write(head, options)
  else await lp.writeV([head, block], options)
}

/** A frame as lpStream reads it (libp2p's own Uint8ArrayList: the top-level package may be another version). */
type Frame = Awaited<ReturnType<LengthPrefixedStream<Stream>['read']>>

/** A block answer's bytes are the frame as it arrived: one piece or several (the caller joins them, or hashes and stores the pieces). */
export type Answer = { tag: typeof ANSWER_BLOCK, frame: Frame } | { tag: typeof ANSWER_DONT_HAVE | typeof ANSWER_REFUSED }

/** Reads one answer. An unknown tag: FORMAT_INVALID; a block frame too large: REQUEST_TOO_LARGE (before it is buffered). */
export async function readAnswer (lp: LengthPrefixedStream<Stream>, signal?: AbortSignal): Promise<Answer> {
  const options = signal !== undefined ? { signal } : {}
  const head = (await lp.read(options)).subarray()
  const tag = head[0]
  if (head.byteLength !== 1) throw new FormatInvalidError('a block answer does not start with its tag')
  if (tag === ANSWER_DONT_HAVE || tag === ANSWER_REFUSED) return { tag }
  if (tag !== ANSWER_BLOCK) throw new FormatInvalidError('a block answer has no known tag')
  let frame
  try {
    frame = await lp.read(options)
  } catch (err) {
    if ((err as Error).name === 'InvalidDataLengthError') throw new CairnError('REQUEST_TOO_LARGE', 'a block is larger than the peer accepts', { cause: err })
    throw err
  }
  return { tag, frame }
}
