import type { ChunkSealer } from '../../../core/storage/chunk-sealer.ts'
import { buildHeader, deriveFileSubkeys, generateFileKey } from '../../../core/crypto/stream-header.ts'

/** Starts the seal workers and runs one chunk through each, before timing (as a session's earlier add would have). */
export async function warmSealer (sealer: ChunkSealer): Promise<void> {
  const fileKey = generateFileKey()
  const header = buildHeader(deriveFileSubkeys(fileKey), new Uint8Array(7))
  const session = sealer.open(fileKey, header.bytes)
  try {
    await Promise.all(Array.from({ length: sealer.width }, async (_, i) => await session.seal(i, new Uint8Array(1024 * 1024), false)))
  } finally {
    session.close()
  }
}
