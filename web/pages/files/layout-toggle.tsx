import { useModels } from '../../app-context.ts'
import type { FilesLayout } from '../../models/files-layout.ts'

const CHOICES: ReadonlyArray<{ layout: FilesLayout, label: string }> = [
  { layout: 'list', label: 'List' },
  { layout: 'grid', label: 'Grid' }
]

/** List or Grid, in the Files page's head. */
export function LayoutToggle () {
  const { filesLayout } = useModels()
  const current = filesLayout.layout.value
  return (
    <div class='layout-toggle' role='group' aria-label='Show files as'>
      {CHOICES.map(choice => (
        <button key={choice.layout} type='button' class='secondary small' aria-pressed={current === choice.layout} onClick={() => { filesLayout.setLayout(choice.layout) }}>
          {choice.label}
        </button>
      ))}
    </div>
  )
}
