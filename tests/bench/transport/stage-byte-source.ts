import { randomBytes } from 'node:crypto'
import { jsonStream, readJson, writeJson } from '../../../core/protocols/backup/wire.ts'
import type { Stream } from '@libp2p/interface'

/**
 * The transport ceiling's bench-only protocol: the receiver asks for
 * `bytes`, the sender writes them as 1 MiB buffers (one random buffer sent
 * again and again: the stack encrypts each write into new memory anyway)
 * and closes; the receiver drains and counts. No framing, no hashing, no
 * store: what any block protocol over Cairn's stack (WebSockets via
 * `nodeWebSockets()`, Noise, yamux with its 2 MiB window) could reach.
 */
export const STAGE_BYTES_PROTOCOL = '/cairn-bench/stage-bytes/1.0.0'

const WRITE_BYTES = 1024 * 1024

interface BytesRequest { bytes: number }

/** The sender's side. */
export async function serveBytes (stream: Stream): Promise<void> {
  const lp = jsonStream(stream, 1024)
  const request = await readJson(lp)
  const bytes = (request as BytesRequest).bytes
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new Error('not a byte request')
  const raw = lp.unwrap()
  const buffer = new Uint8Array(randomBytes(WRITE_BYTES))
  for (let sent = 0; sent < bytes; sent += WRITE_BYTES) {
    const piece = bytes - sent >= WRITE_BYTES ? buffer : buffer.subarray(0, bytes - sent)
    if (!raw.send(piece)) await raw.onDrain()
  }
  await raw.close()
}

/** The receiver's side: asks for `bytes` and returns how many arrived before the sender closed. */
export async function drainBytes (stream: Stream, bytes: number): Promise<number> {
  const lp = jsonStream(stream, 1024)
  await writeJson(lp, { bytes } satisfies BytesRequest)
  const raw = lp.unwrap()
  let received = 0
  for await (const chunk of raw) received += chunk.byteLength
  await raw.close()
  return received
}
