import { useEffect, useRef } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import type { PickedFile } from '../../models/uploads-model.ts'
import { pathIn } from '../../models/browse-model.ts'

/** "Add files" and "Add folder": buttons that open the browser's pickers (hidden inputs). */
export function AddButtons () {
  const { uploads, files } = useModels()
  const filesInput = useRef<HTMLInputElement>(null)
  const folderInput = useRef<HTMLInputElement>(null)

  useEffect(() => {
    // Not in Preact's JSX types; the property is standard in every current browser.
    if (folderInput.current !== null) folderInput.current.webkitdirectory = true
  }, [])

  const take = (input: HTMLInputElement, fromFolder: boolean): void => {
    // Files land in the folder shown.
    const into = files.browse.folder.peek()
    const picked: PickedFile[] = Array.from(input.files ?? []).map(file =>
      ({ file, path: pathIn(into, fromFolder && file.webkitRelativePath !== '' ? file.webkitRelativePath : file.name) }))
    // Clear the input so picking the same file again still fires `change`.
    input.value = ''
    uploads.add(picked)
  }

  return (
    <div class='add-buttons'>
      <button type='button' onClick={() => filesInput.current?.click()}>Add files</button>
      <button type='button' class='secondary' onClick={() => folderInput.current?.click()}>Add folder</button>
      <input
        ref={filesInput}
        type='file'
        multiple
        class='visually-hidden'
        tabIndex={-1}
        aria-hidden='true'
        data-testid='file-input'
        onChange={(e) => { take(e.currentTarget, false) }}
      />
      <input
        ref={folderInput}
        type='file'
        multiple
        class='visually-hidden'
        tabIndex={-1}
        aria-hidden='true'
        data-testid='folder-input'
        onChange={(e) => { take(e.currentTarget, true) }}
      />
    </div>
  )
}
