import { useEffect, useState } from 'preact/hooks'
import { previewKind, TEXT_PREVIEW_BYTES } from './preview-kind.ts'
import type { SharedFileMeta } from '../../core/rpc/share-messages.ts'

/** What an image, audio or video preview says when the browser cannot show it. */
export const MEDIA_PREVIEW_FAILED = 'This file can\'t be shown here: the browser could not open it. Download it instead.'

/** A preview of the shared file, streamed through the service worker like the download. */
export function SharePreview ({ meta, url }: { meta: SharedFileMeta, url: string }) {
  const kind = previewKind(meta)
  const label = `Preview of ${meta.name}`
  // An image or a video the browser cannot decode (damaged, or a format it lacks, such as a
  // phone's HEIC photo) or whose bytes did not come would show a broken picture and no words.
  const [failed, setFailed] = useState<string | undefined>(undefined)
  const onError = (): void => { setFailed(url) }
  if (failed === url && (kind === 'image' || kind === 'audio' || kind === 'video')) return <p class='hint' role='status'>{MEDIA_PREVIEW_FAILED}</p>
  switch (kind) {
    case 'image': return <figure class='share-preview'><img src={url} alt={label} onError={onError} /></figure>
    case 'audio': return <figure class='share-preview'><audio controls preload='metadata' src={url} aria-label={label} onError={onError} /></figure>
    case 'video': return <figure class='share-preview'><video controls preload='metadata' src={url} aria-label={label} onError={onError} /></figure>
    case 'pdf': return <figure class='share-preview'><iframe class='share-preview-pdf' src={url} title={label} /></figure>
    case 'text': return <TextPreview url={url} label={label} size={meta.size} />
    default: return null
  }
}

/** What a text preview says when its bytes did not come. */
export const TEXT_PREVIEW_FAILED = 'The preview could not be loaded. Download the file instead, or try again later.'

function TextPreview ({ url, label, size }: { url: string, label: string, size: number }) {
  const [text, setText] = useState<string | { failed: true } | undefined>(undefined)
  useEffect(() => {
    const abort = new AbortController()
    void readStart(url, abort.signal).then(setText, () => { if (!abort.signal.aborted) setText({ failed: true }) })
    return () => { abort.abort() }
  }, [url])
  if (text === undefined) return null
  if (typeof text !== 'string') return <p class='hint' role='status'>{TEXT_PREVIEW_FAILED}</p>
  return (
    <figure class='share-preview'>
      <pre class='share-preview-text' aria-label={label} tabIndex={0}>{text}</pre>
      {size > TEXT_PREVIEW_BYTES && <figcaption class='hint'>The first {TEXT_PREVIEW_BYTES / 1024} KiB; download the file for all of it.</figcaption>}
    </figure>
  )
}

/**
 * Reads the first TEXT_PREVIEW_BYTES and stops the stream (the rest is never
 * fetched). An answer that is not the file (the service worker's error page
 * for a file deleted meanwhile, a node that is gone) is an error, never text.
 */
export async function readStart (url: string, signal: AbortSignal): Promise<string> {
  const response = await fetch(url, { signal })
  if (!response.ok) {
    await response.body?.cancel()
    throw new Error(`the preview's download answered ${response.status}`)
  }
  const reader = response.body?.getReader()
  if (reader === undefined) return ''
  const pieces: Uint8Array[] = []
  let length = 0
  while (length < TEXT_PREVIEW_BYTES) {
    const next = await reader.read()
    if (next.done) break
    pieces.push(next.value)
    length += next.value.byteLength
  }
  await reader.cancel()
  const bytes = new Uint8Array(Math.min(length, TEXT_PREVIEW_BYTES))
  let offset = 0
  for (const piece of pieces) {
    const part = piece.subarray(0, bytes.length - offset)
    bytes.set(part, offset)
    offset += part.byteLength
    if (offset >= bytes.length) break
  }
  return new TextDecoder().decode(bytes)
}
