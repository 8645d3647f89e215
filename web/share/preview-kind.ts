import type { SharedFileMeta } from '../../core/rpc/share-messages.ts'

/** Largest image or PDF previewed (they are read whole); audio and video stream, text shows its start. */
const MAX_WHOLE_PREVIEW = 64 * 1024 * 1024
export const TEXT_PREVIEW_BYTES = 256 * 1024

export type PreviewKind = 'image' | 'audio' | 'video' | 'text' | 'pdf'

/** How a shared file is previewed, from its type and size; undefined = not at all (download only). */
export function previewKind (meta: SharedFileMeta): PreviewKind | undefined {
  const type = meta.type.toLowerCase()
  if (type.startsWith('image/') && meta.size <= MAX_WHOLE_PREVIEW) return 'image'
  if (type.startsWith('audio/')) return 'audio'
  if (type.startsWith('video/')) return 'video'
  if ((type.startsWith('text/') || type === 'application/json') && meta.size > 0) return 'text'
  if (type === 'application/pdf' && meta.size <= MAX_WHOLE_PREVIEW) return 'pdf'
  return undefined
}

