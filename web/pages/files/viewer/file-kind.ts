/** A friendly word for a MIME type, for people ("Image", "PDF"), never the cut-off type itself. */
export function fileKind (type: string): string {
  const t = type.toLowerCase()
  if (t === 'application/pdf') return 'PDF'
  if (t.startsWith('image/')) return 'Image'
  if (t.startsWith('video/')) return 'Video'
  if (t.startsWith('audio/')) return 'Audio'
  if (t.startsWith('text/') || t === 'application/json') return 'Text'
  if (/zip|x-tar|gzip|x-7z|x-rar/.test(t)) return 'Archive'
  return 'File'
}
