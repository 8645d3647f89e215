import { useSignal } from '@preact/signals'
import { useEffect } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { dragHasFiles, droppedFiles } from '../../lib/dropped-files.ts'
import { pathIn } from '../../models/browse-model.ts'
import { nameOf } from '../../models/folder-tree.ts'

/**
 * Makes the whole window a drop target while the files page is open, with an
 * overlay during the drag. Folders dropped are walked, keeping their paths,
 * and empty ones are made too.
 */
export function DropZone () {
  const { uploads, files } = useModels()
  const dragging = useSignal(false)
  const folder = files.browse.folder.value

  useEffect(() => {
    // dragenter/dragleave fire for every child element; count them to know when the drag left the window.
    let depth = 0
    const enter = (e: DragEvent): void => {
      if (!dragHasFiles(e.dataTransfer)) return
      e.preventDefault()
      depth++
      dragging.value = true
    }
    const over = (e: DragEvent): void => {
      if (!dragHasFiles(e.dataTransfer)) return
      // Without preventDefault the browser would open the file instead of dropping it here.
      e.preventDefault()
      if (e.dataTransfer !== null) e.dataTransfer.dropEffect = 'copy'
    }
    const leave = (e: DragEvent): void => {
      if (!dragHasFiles(e.dataTransfer)) return
      depth = Math.max(0, depth - 1)
      if (depth === 0) dragging.value = false
    }
    const drop = (e: DragEvent): void => {
      if (!dragHasFiles(e.dataTransfer) || e.dataTransfer === null) return
      e.preventDefault()
      depth = 0
      dragging.value = false
      // A folder the browser refuses to read adds nothing rather than half of it silently.
      // Files land in the folder shown (read now: the user may walk elsewhere while a big folder is read).
      const into = files.browse.folder.peek()
      droppedFiles(e.dataTransfer).then((dropped) => {
        uploads.add(dropped.files.map(p => ({ ...p, path: pathIn(into, p.path ?? p.file.name) })))
        // A file list has no empty folders: those are made here, as "New folder" would.
        void files.browse.createFolders(dropped.emptyFolders.map(f => pathIn(into, f)))
      }, () => {})
    }
    window.addEventListener('dragenter', enter)
    window.addEventListener('dragover', over)
    window.addEventListener('dragleave', leave)
    window.addEventListener('drop', drop)
    return () => {
      window.removeEventListener('dragenter', enter)
      window.removeEventListener('dragover', over)
      window.removeEventListener('dragleave', leave)
      window.removeEventListener('drop', drop)
    }
  }, [])

  if (!dragging.value) return null
  return (
    <div class='drop-overlay' data-testid='drop-overlay'>
      <p role='status'>Drop to add to {folder === '' ? 'All files' : `“${nameOf(folder)}”`}</p>
    </div>
  )
}
