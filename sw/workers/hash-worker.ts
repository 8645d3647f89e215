/// <reference lib="webworker" />
import { createDedupHasher } from '../../core/crypto/dedup-tag.ts'
import { toErrorPayload } from '../../core/errors.ts'
import type { HashReply, HashRequest } from './hash-protocol.ts'

declare const self: DedicatedWorkerGlobalScope

/**
 * Computes dedup tags (keyed BLAKE3 of the plaintext) on the second core while
 * the node worker encrypts and stores the same file (DESIGN §8: the pipeline
 * must keep both cores busy).
 */
self.onmessage = async (ev: MessageEvent<HashRequest>) => {
  const { id, key, file } = ev.data
  try {
    const hasher = await createDedupHasher(key)
    // The hasher holds its own copy in WebAssembly memory; this one is not needed any more.
    key.fill(0)
    const reader = file.stream().getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      hasher.update(value)
    }
    const tag = hasher.digest()
    self.postMessage({ id, ok: true, tag } satisfies HashReply, [tag.buffer as ArrayBuffer])
  } catch (err) {
    self.postMessage({ id, ok: false, error: toErrorPayload(err) } satisfies HashReply)
  } finally {
    key.fill(0)
  }
}
