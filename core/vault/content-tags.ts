import { createDedupHasherV2, dedupTagVersion } from '../crypto/dedup-tag-v2.ts'
import { fromBase64, toBase64 } from '../crypto/base64.ts'
import type { IndexLog } from '../index/index-log.ts'
import type { FileView } from '../index/state.ts'

/**
 * Whether the vault holds a file of this size tagged with a version-1 tag
 * (keyed BLAKE3, before version 2): only then is the old tag worth computing
 * too, so content added before keeps deduplicating. Files of equal size are
 * rare unless they are the same file, so this costs nothing most of the time.
 */
export function hasVersion1TagOfSize (index: IndexLog, size: number): boolean {
  return index.listFiles().some(f => f.versionId === undefined && f.entry.size === size && dedupTagVersion(fromBase64(f.entry.tag)) === 1)
}

/** The file already stored under any of these tags (version 2 first), if any. */
export function findByAnyTag (index: IndexLog, tags: ReadonlyArray<Uint8Array | undefined>): FileView | undefined {
  for (const tag of tags) {
    if (tag === undefined) continue
    const found = index.findByTag(toBase64(tag))
    if (found !== undefined) return found
  }
  return undefined
}

/** The version-2 tag of a Blob read on this thread (small files: hashed before anything is written). */
export async function tagOfBlobV2 (dedupKey: Uint8Array, file: Blob): Promise<Uint8Array> {
  const hasher = createDedupHasherV2(dedupKey)
  for await (const chunk of file.stream() as unknown as AsyncIterable<Uint8Array>) hasher.update(chunk)
  return await hasher.digest()
}
