/// <reference lib="webworker" />
import { openChunkCipher, sealChunk } from '../../core/storage/chunk-sealer.ts'
import type { ChunkCipher } from '../../core/crypto/stream-chunk.ts'
import { CairnError, toErrorPayload } from '../../core/errors.ts'
import type { SealReply, SealRequest } from './seal-protocol.ts'

declare const self: DedicatedWorkerGlobalScope

/**
 * One of the node worker's seal workers: encrypts (or decrypts) the chunks
 * it is handed and hashes them, on its own core (DESIGN §2: WebCrypto works
 * on the calling thread, so parallel work needs more threads). It holds a
 * file's content key only while that file is open.
 */
const sessions = new Map<number, Promise<ChunkCipher>>()

/** `opened`: the file's cipher as it was when the request came (a later close does not take it from a queued chunk). */
const answer = async (request: Extract<SealRequest, { id: number }>, opened: Promise<ChunkCipher> | undefined): Promise<void> => {
  try {
    if (opened === undefined) throw new CairnError('INTERNAL', 'that file is not open in this worker')
    const cipher = await opened
    if (request.type === 'seal') {
      const sealed = await sealChunk(cipher, request.index, request.plaintext, request.last)
      const reply: SealReply = { id: request.id, ok: true, sealed }
      self.postMessage(reply, [sealed.ciphertext.buffer as ArrayBuffer, sealed.leafDigest.buffer as ArrayBuffer, sealed.plainDigest.buffer as ArrayBuffer])
    } else {
      const plaintext = (await cipher.decrypt(request.index, request.ciphertext, request.last)) ?? null
      // The ciphertext goes back too: the node worker's decryptor keeps it to name a failure, and it may have been the only copy.
      const ciphertext = request.ciphertext
      const transfer = [ciphertext.buffer as ArrayBuffer, ...(plaintext === null ? [] : [plaintext.buffer])]
      self.postMessage({ id: request.id, ok: true, plaintext, ciphertext } satisfies SealReply, transfer)
    }
  } catch (err) {
    self.postMessage({ id: request.id, ok: false, error: toErrorPayload(err) } satisfies SealReply)
  }
}

/**
 * Chunks are worked on one after another, in the order they came. WebCrypto
 * does each step inside its call, so starting every queued chunk at once
 * only interleaves their steps: all of them then finish at about the same
 * time, late, and the pipeline refills this worker only after the last one.
 * In order, each chunk goes back as soon as it is done and the next one
 * arrives while this worker is busy with the rest.
 */
let turn: Promise<void> = Promise.resolve()

self.onmessage = (ev: MessageEvent<SealRequest>) => {
  const request = ev.data
  if (request.type === 'open') {
    const cipher = openChunkCipher(request.fileKey, request.header)
    cipher.catch(() => {}).finally(() => { request.fileKey.fill(0) })
    sessions.set(request.session, cipher)
  } else if (request.type === 'close') {
    sessions.delete(request.session)
  } else {
    // answer() reports its own failures, so the chain never rejects.
    const opened = sessions.get(request.session)
    turn = turn.then(async () => { await answer(request, opened) })
  }
}
