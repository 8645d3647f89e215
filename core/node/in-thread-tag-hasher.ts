import { createDedupHasher } from '../crypto/dedup-tag.ts'
import { createInThreadSealer } from '../storage/chunk-sealer.ts'
import type { WipeableTagHasher } from './vault-node.ts'

/**
 * A tag hasher and sealer that start no worker: the version-1 dedup tag
 * (keyed BLAKE3 over the file's stream, asked only for content of a size an
 * old tag has) and the per-chunk encryption run on the node's own thread.
 * WebCrypto runs each encrypt and digest off that thread, so chunks in
 * flight still spread over the cores. No worker holds a key between files,
 * so there is nothing to wipe on lock. Large files are read once and hashed
 * as they are encrypted (vault-files.ts `readLargeFilesOnce`).
 */
export function createInThreadTagHasher (chunksInFlight = 4): WipeableTagHasher {
  return Object.assign(async (dedupKey: Uint8Array, file: Blob): Promise<Uint8Array> => {
    const hasher = await createDedupHasher(dedupKey)
    for await (const piece of file.stream()) hasher.update(piece)
    return hasher.digest()
  }, {
    wipe: () => {},
    readLargeFilesOnce: true,
    sealer: createInThreadSealer(chunksInFlight)
  })
}
