import { useSignal } from '@preact/signals'
import { useEffect } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { dragHasFiles, droppedFiles } from '../../lib/dropped-files.ts'

/**
 * Makes the whole window a drop target while the files page is open, with an
 * overlay during the drag. Folders dropped are walked, keeping their paths.
 */
export function DropZone () {
  const { uploads } = useModels()
  const dragging = useSignal(false)

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
      droppedFiles(e.dataTransfer).then(uploads.add, () => {})
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
    <div class='drop-overlay' aria-hidden='true'>
      <p>Drop files or folders to add them to your vault</p>
    </div>
  )
}
