import { createDedupHasher } from '../../../core/crypto/dedup-tag.ts'

/**
 * The primitives under the pipeline, on bytes already in memory, in this
 * thread, 1 MiB at a time (`stage.prim.*`): what each costs the thread that
 * calls it, without streams, I/O or other work around it.
 */

const CHUNK = 1024 * 1024

function chunks (bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer>[] {
  const out: Uint8Array<ArrayBuffer>[] = []
  for (let at = 0; at < bytes.length; at += CHUNK) out.push(bytes.subarray(at, at + CHUNK))
  return out
}

/** Timing of a WebCrypto run: total ms, and the ms spent inside the calls before they returned their promise. */
export interface WebCryptoTiming {
  ms: number
  /** Time the calling thread was blocked inside `crypto.subtle.*` itself. Near `ms` = the work runs on the calling thread. */
  inCallMs: number
}

/**
 * AES-256-GCM (WebCrypto) over every 1 MiB chunk, `concurrency` calls in
 * flight. Returns how long the calling thread was blocked inside the calls,
 * which tells whether WebCrypto runs the cipher on this thread or elsewhere.
 */
export async function measureAesGcm (bytes: Uint8Array<ArrayBuffer>, concurrency: number): Promise<WebCryptoTiming> {
  const key = await globalThis.crypto.subtle.importKey('raw', globalThis.crypto.getRandomValues(new Uint8Array(32)), { name: 'AES-GCM' }, false, ['encrypt'])
  const iv = new Uint8Array(12)
  let inCallMs = 0
  const start = performance.now()
  const inFlight: Promise<ArrayBuffer>[] = []
  let index = 0
  for (const chunk of chunks(bytes)) {
    new DataView(iv.buffer).setUint32(8, index++)
    const before = performance.now()
    inFlight.push(globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv.slice() }, key, chunk))
    inCallMs += performance.now() - before
    if (inFlight.length >= concurrency) await inFlight.shift()
  }
  await Promise.all(inFlight)
  return { ms: performance.now() - start, inCallMs }
}

/** SHA-256 (WebCrypto) of every 1 MiB chunk: what UnixFS computes for each raw leaf's CID. */
export async function measureSha256 (bytes: Uint8Array<ArrayBuffer>): Promise<WebCryptoTiming> {
  let inCallMs = 0
  const start = performance.now()
  for (const chunk of chunks(bytes)) {
    const before = performance.now()
    const digest = globalThis.crypto.subtle.digest('SHA-256', chunk)
    inCallMs += performance.now() - before
    await digest
  }
  return { ms: performance.now() - start, inCallMs }
}

/** Keyed BLAKE3 (hash-wasm, as the dedup tag) over the whole input, in this thread. */
export async function measureBlake3 (bytes: Uint8Array<ArrayBuffer>): Promise<number> {
  const hasher = await createDedupHasher(globalThis.crypto.getRandomValues(new Uint8Array(32)))
  const start = performance.now()
  for (const chunk of chunks(bytes)) hasher.update(chunk)
  hasher.digest()
  return performance.now() - start
}
