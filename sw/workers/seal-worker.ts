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

const cipherOf = async (session: number): Promise<ChunkCipher> => {
  const cipher = sessions.get(session)
  if (cipher === undefined) throw new CairnError('INTERNAL', 'that file is not open in this worker')
  return await cipher
}

const answer = async (request: Extract<SealRequest, { id: number }>): Promise<void> => {
  try {
    const cipher = await cipherOf(request.session)
    if (request.type === 'seal') {
      const sealed = await sealChunk(cipher, request.index, request.plaintext, request.last)
      // The plaintext's buffer goes back too (WebCrypto took its own copies): the node worker reads a
      // later chunk into it rather than mapping a fresh MiB (and this worker frees nothing).
      const spare = request.plaintext
      const reply: SealReply = { id: request.id, ok: true, sealed: { ...sealed, spare } }
      self.postMessage(reply, [sealed.ciphertext.buffer as ArrayBuffer, sealed.leafDigest.buffer as ArrayBuffer, sealed.plainDigest.buffer as ArrayBuffer, spare.buffer as ArrayBuffer])
    } else {
      const plaintext = (await cipher.decrypt(request.index, request.ciphertext, request.last)) ?? null
      if (plaintext !== null) {
        self.postMessage({ id: request.id, ok: true, plaintext } satisfies SealReply, [plaintext.buffer])
        return
      }
      // Refused: the bytes go back, so the node worker's decryptor can name the failure (they may have been its only copy).
      const ciphertext = request.ciphertext
      self.postMessage({ id: request.id, ok: true, plaintext, ciphertext } satisfies SealReply, [ciphertext.buffer as ArrayBuffer])
    }
  } catch (err) {
    self.postMessage({ id: request.id, ok: false, error: toErrorPayload(err) } satisfies SealReply)
  }
}

self.onmessage = (ev: MessageEvent<SealRequest>) => {
  const request = ev.data
  if (request.type === 'open') {
    const cipher = openChunkCipher(request.fileKey, request.header)
    cipher.catch(() => {}).finally(() => { request.fileKey.fill(0) })
    sessions.set(request.session, cipher)
  } else if (request.type === 'close') {
    sessions.delete(request.session)
  } else {
    void answer(request)
  }
}
