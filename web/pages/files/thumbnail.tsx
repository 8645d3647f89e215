import type { ComponentChildren } from 'preact'
import { useEffect } from 'preact/hooks'
import type { FileInfo } from '../../../core/rpc/api.ts'
import { useModels } from '../../app-context.ts'
import { thumbKey } from '../../models/thumbnails-model.ts'
import { fileKind } from '../../models/file-kind.ts'
import { baseName } from '../../format.ts'

/**
 * A file's thumbnail (made on a device that has the file, stored sealed
 * beside it), else its kind in a small box. Decorative: the name beside it
 * says what the file is.
 */
export function Thumbnail ({ file, size = 'row', fallback }: { file: FileInfo, size?: 'row' | 'grid', fallback?: ComponentChildren }) {
  const { thumbnails } = useModels()
  const key = thumbKey(file)
  const state = thumbnails.entries.value.get(key)
  // Asked again when it was let go (thumbnails-model.ts keeps the recently shown only).
  useEffect(() => { thumbnails.want(file) }, [key, state === undefined])
  return (
    <span class={`thumb thumb-${size}`} aria-hidden='true' data-thumb={state?.status ?? 'loading'}>
      {state?.status === 'ready'
        ? <img src={state.url} alt='' width={state.width} height={state.height} decoding='async' />
        : fallback ?? (size === 'grid' ? fileKind(baseName(file.path), file.type) : '')}
    </span>
  )
}
