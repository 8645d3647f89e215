import { createBLAKE3 } from 'hash-wasm'
import { CairnError, InvalidArgumentError } from '../errors.ts'

/**
 * Dedup tags (DESIGN §3): keyed BLAKE3 of a file's plaintext under the vault's
 * dedup subkey (`deriveSubkey(vk, 'dedup')`). Equal content in one vault gets
 * an equal tag; without VK the tag says nothing. hash-wasm runs BLAKE3 in
 * WebAssembly (embedded, compiled at first use: works in Node and in browser
 * workers whose CSP allows 'wasm-unsafe-eval').
 */

export const DEDUP_TAG_LENGTH = 32
const DEDUP_KEY_LENGTH = 32

/** An incremental dedup-tag computation; `digest()` ends it. */
export interface DedupHasher {
  update: (chunk: Uint8Array) => void
  /** The 32-byte tag. The hasher cannot be used afterwards. */
  digest: () => Uint8Array
}

/** Starts an incremental dedup tag under the 32-byte dedup subkey. */
export async function createDedupHasher (dedupKey: Uint8Array): Promise<DedupHasher> {
  if (dedupKey.length !== DEDUP_KEY_LENGTH) throw new InvalidArgumentError(`the dedup key is ${DEDUP_KEY_LENGTH} bytes`)
  const hasher = await createBLAKE3(DEDUP_TAG_LENGTH * 8, dedupKey)
  let done = false
  return {
    update (chunk) {
      if (done) throw new CairnError('INTERNAL', 'dedup hasher used after digest')
      hasher.update(chunk)
    },
    digest () {
      if (done) throw new CairnError('INTERNAL', 'dedup hasher digested twice')
      done = true
      return hasher.digest('binary')
    }
  }
}

/** The dedup tag of a whole buffer. */
export async function dedupTag (dedupKey: Uint8Array, bytes: Uint8Array): Promise<Uint8Array> {
  const hasher = await createDedupHasher(dedupKey)
  hasher.update(bytes)
  return hasher.digest()
}
