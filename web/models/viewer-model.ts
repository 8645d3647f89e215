import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { FileInfo } from '../../core/rpc/api.ts'

/** The file viewer: which file is open, among which files, and moving through them. */
export interface ViewerModel {
  /** The file shown; undefined when the viewer is closed. */
  file: ReadonlySignal<FileInfo | undefined>
  /** Its place among the files it was opened with, from 0, and how many there are. */
  position: ReadonlySignal<{ index: number, count: number } | undefined>
  /** Opens `file`; next and previous go through `siblings` (the list as shown), in their order. */
  open: (file: FileInfo, siblings: FileInfo[]) => void
  next: () => void
  previous: () => void
  close: () => void
}

function sameFile (a: FileInfo, b: FileInfo): boolean {
  return a.fileId === b.fileId && a.versionId === b.versionId
}

export function createViewerModel (): ViewerModel {
  const list = signal<FileInfo[]>([])
  const index = signal(-1)
  const file = computed(() => list.value[index.value])
  const step = (by: number): void => {
    const count = list.value.length
    if (count === 0 || index.value < 0) return
    // Round the ends: after the last file comes the first again.
    index.value = (index.value + by + count) % count
  }
  return {
    file,
    position: computed(() => file.value === undefined ? undefined : { index: index.value, count: list.value.length }),
    open: (target, siblings) => {
      const at = siblings.findIndex(f => sameFile(f, target))
      list.value = at >= 0 ? siblings.slice() : [target]
      index.value = Math.max(0, at)
    },
    next: () => { step(1) },
    previous: () => { step(-1) },
    close: () => {
      list.value = []
      index.value = -1
    }
  }
}
