import { signal, type ReadonlySignal } from '@preact/signals'

export type FilesLayout = 'list' | 'grid'

/** The Files page as a list or a grid of thumbnails, remembered on this device (it names no file). */
export interface FilesLayoutModel {
  layout: ReadonlySignal<FilesLayout>
  setLayout: (layout: FilesLayout) => void
}

const STORAGE_KEY = 'cairn.files.layout'

export function createFilesLayoutModel (given?: Pick<Storage, 'getItem' | 'setItem'>): FilesLayoutModel {
  let storage = given
  let saved: string | null = null
  try {
    storage ??= globalThis.localStorage
    saved = storage?.getItem(STORAGE_KEY) ?? null
  } catch {
    // Storage refused (a private window): the list it is.
  }
  const layout = signal<FilesLayout>(saved === 'grid' ? 'grid' : 'list')
  return {
    layout,
    setLayout: (next) => {
      layout.value = next
      try {
        storage?.setItem(STORAGE_KEY, next)
      } catch {
        // Not remembered: it still applies now.
      }
    }
  }
}
