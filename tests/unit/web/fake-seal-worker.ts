import type { ChunkCipher } from '../../../core/crypto/stream-chunk.ts'
import { openChunkCipher, sealChunk } from '../../../core/storage/chunk-sealer.ts'
import type { SealWorkerLike } from '../../../sw/workers/worker-seal-pool.ts'
import type { SealReply, SealRequest } from '../../../sw/workers/seal-protocol.ts'

/** A seal worker in this thread, answering as sw/workers/seal-worker.ts does (structured clone with transfer, as postMessage). */
export class FakeSealWorker implements SealWorkerLike {
  onmessage: ((ev: MessageEvent<SealReply>) => void) | null = null
  onerror: ((ev: Event) => void) | null = null
  terminated = false
  readonly keys: Uint8Array[] = []
  private readonly sessions = new Map<number, Promise<ChunkCipher>>()

  postMessage (message: SealRequest, transfer: Transferable[]): void {
    const request = structuredClone(message, { transfer: transfer as Transferable[] as ArrayBuffer[] })
    if (request.type === 'open') {
      this.keys.push(request.fileKey)
      this.sessions.set(request.session, openChunkCipher(request.fileKey, request.header).finally(() => { request.fileKey.fill(0) }))
      return
    }
    if (request.type === 'close') { this.sessions.delete(request.session); return }
    void (async () => {
      const cipher = await this.sessions.get(request.session) as ChunkCipher
      const reply: SealReply = request.type === 'seal'
        ? { id: request.id, ok: true, sealed: { ...await sealChunk(cipher, request.index, request.plaintext, request.last), spare: request.plaintext } }
        : await this.unseal(cipher, request)
      // The ciphertext of a refused chunk and a sealed chunk's plaintext buffer go back transferred, as the real worker sends them.
      const back = 'ciphertext' in reply && reply.ciphertext !== undefined ? [reply.ciphertext.buffer as ArrayBuffer] : []
      if ('sealed' in reply && reply.sealed.spare !== undefined) back.push(reply.sealed.spare.buffer as ArrayBuffer)
      if (!this.terminated) this.onmessage?.({ data: structuredClone(reply, { transfer: back }) } as MessageEvent<SealReply>)
    })()
  }

  private async unseal (cipher: ChunkCipher, request: Extract<SealRequest, { type: 'unseal' }>): Promise<SealReply> {
    const plaintext = await cipher.decrypt(request.index, request.ciphertext, request.last)
    return plaintext === undefined ? { id: request.id, ok: true, plaintext: null, ciphertext: request.ciphertext } : { id: request.id, ok: true, plaintext }
  }

  terminate (): void { this.terminated = true }
}
