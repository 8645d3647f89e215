import { useEffect } from 'preact/hooks'
import type { FileInfo } from '../../../core/rpc/api.ts'
import { useModels } from '../../app-context.ts'
import { thumbKey } from '../../models/thumbnails-model.ts'
import { fileKind } from './viewer/file-kind.ts'

/**
 * A file's thumbnail (made on a device that has the file, stored sealed
 * beside it), else its kind in a small box. Decorative: the name beside it
 * says what the file is.
 */
export function Thumbnail ({ file, size = 'row' }: { file: FileInfo, size?: 'row' | 'grid' }) {
  const { thumbnails } = useModels()
  const key = thumbKey(file)
  const state = thumbnails.entries.value.get(key)
  // Asked again when it was let go (thumbnails-model.ts keeps the recently shown only).
  useEffect(() => { thumbnails.want(file) }, [key, state === undefined])
  return (
    <span class={`thumb thumb-${size}`} aria-hidden='true' data-thumb={state?.status ?? 'loading'}>
      {state?.status === 'ready'
        ? <img src={state.url} alt='' width={state.width} height={state.height} decoding='async' />
        : size === 'grid' ? fileKind(file.type) : ''}
    </span>
  )
}
