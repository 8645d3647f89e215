/// <reference lib="webworker" />
import { createBLAKE3 } from 'hash-wasm'
import { createDedupHasher, type DedupHasher } from '../../../core/crypto/dedup-tag.ts'
import { createDecryptStream, createEncryptStream } from '../../../core/crypto/stream-format.ts'
import { Rechunker } from '../../../core/crypto/stream-rechunker.ts'
import type { ContentReply, ContentRequest } from './proto-content-protocol.ts'
import { receivePieces, sendPieces } from './proto-piece-channel.ts'

declare const self: DedicatedWorkerGlobalScope

/**
 * PROTOTYPE (bench only): the hash worker grown into a content worker that
 * also runs the STREAM cipher, so the node worker is left with UnixFS and
 * storage. WebCrypto in Chromium 156 runs AES-GCM on the calling thread, so
 * encryption only leaves the node worker's thread if it is called elsewhere.
 */

function tapTag (hasher: DedupHasher): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({ transform (chunk, controller) { hasher.update(chunk); controller.enqueue(chunk) } })
}

async function encrypt (request: Extract<ContentRequest, { type: 'encrypt' }>): Promise<ContentReply> {
  let plaintext: ReadableStream<Uint8Array> = request.file.stream()
  const hasher = request.dedupKey !== undefined ? await createDedupHasher(request.dedupKey) : undefined
  if (hasher !== undefined) plaintext = plaintext.pipeThrough(tapTag(hasher))
  await sendPieces(request.port, plaintext.pipeThrough(createEncryptStream({ key: request.fileKey })))
  return hasher !== undefined ? { id: request.id, ok: true, tag: hasher.digest() } : { id: request.id, ok: true }
}

/** The priced alternative tag (see TagAlgorithm): SHA-256 per 1 MiB piece, then HMAC over the digests. */
function tapSha256List (): { tap: TransformStream<Uint8Array, Uint8Array>, digest: (key: Uint8Array) => Promise<Uint8Array> } {
  const rechunker = new Rechunker(1024 * 1024)
  const digests: Uint8Array[] = []
  const add = async (piece: Uint8Array): Promise<void> => {
    digests.push(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', piece as Uint8Array<ArrayBuffer>)))
  }
  return {
    tap: new TransformStream({
      async transform (chunk, controller) {
        for (const piece of rechunker.push(chunk)) await add(piece)
        controller.enqueue(chunk)
      },
      async flush () { await add(rechunker.takeRest()) }
    }),
    digest: async (key) => {
      const hmac = await globalThis.crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      const list = new Uint8Array(digests.length * 32)
      digests.forEach((d, i) => { list.set(d, i * 32) })
      return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', hmac, list))
    }
  }
}

async function tagForward (request: Extract<ContentRequest, { type: 'tag-forward' }>): Promise<ContentReply> {
  // sendPieces transfers each piece after the tap has hashed it.
  if (request.tag === 'sha256-list') {
    const { tap, digest } = tapSha256List()
    await sendPieces(request.out, request.file.stream().pipeThrough(tap))
    return { id: request.id, ok: true, tag: await digest(request.dedupKey) }
  }
  const hasher = await createDedupHasher(request.dedupKey)
  await sendPieces(request.out, request.file.stream().pipeThrough(tapTag(hasher)))
  return { id: request.id, ok: true, tag: hasher.digest() }
}

async function encryptPort (request: Extract<ContentRequest, { type: 'encrypt-port' }>): Promise<ContentReply> {
  await sendPieces(request.out, streamFrom(receivePieces(request.in)).pipeThrough(createEncryptStream({ key: request.fileKey })))
  return { id: request.id, ok: true }
}

function streamFrom (pieces: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull (controller) {
      const next = await pieces.next()
      if (next.done === true) controller.close()
      else controller.enqueue(next.value)
    }
  })
}

async function decrypt (request: Extract<ContentRequest, { type: 'decrypt' }>): Promise<ContentReply> {
  const source = streamFrom(receivePieces(request.port))
  const hasher = request.hash ? await createBLAKE3() : undefined
  let bytes = 0
  for await (const chunk of source.pipeThrough(createDecryptStream({ key: request.fileKey }))) {
    bytes += chunk.byteLength
    hasher?.update(chunk)
  }
  return { id: request.id, ok: true, bytes, ...(hasher !== undefined ? { blake3: hasher.digest('hex') } : {}) }
}

self.onmessage = (ev: MessageEvent<ContentRequest>) => {
  const request = ev.data
  const work = request.type === 'encrypt'
    ? encrypt(request)
    : request.type === 'tag-forward' ? tagForward(request) : request.type === 'encrypt-port' ? encryptPort(request) : decrypt(request)
  work.then(
    (reply) => { self.postMessage(reply) },
    (err: unknown) => { self.postMessage({ id: request.id, ok: false, message: String(err) } satisfies ContentReply) }
  )
}
