import { useState } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { treeLines } from '../../models/folder-tree.ts'
import { folderDropTarget } from './row-drag.ts'

/**
 * The side list of folders: open a folder's children with its arrow, walk
 * into it with its name; each line takes dropped rows. On a narrow screen
 * it folds into a disclosure above the list.
 */
export function FolderTree () {
  const { files } = useModels()
  const { browse } = files
  const here = browse.folder.value
  const open = browse.treeOpen.value
  const lines = treeLines(browse.allFolders.value, open)
  // Open beside the list on a wide screen; folded above it on a narrow one, until the user opens it.
  const [wide] = useState(() => typeof window.matchMedia !== 'function' || window.matchMedia('(min-width: 721px)').matches)
  return (
    <details class='folder-tree' open={wide}>
      <summary>Folders</summary>
      <nav aria-label='Folders'>
        <ul>
          <li>
            <button type='button' class={`tree-folder${here === '' ? ' is-here' : ''}`} aria-current={here === '' ? 'page' : undefined} onClick={() => { browse.go('') }} {...folderDropTarget('', browse)}>
              All files
            </button>
          </li>
          {lines.map(line => (
            <li key={line.path} style={{ paddingLeft: `${line.depth + 1}rem` }}>
              {line.hasChildren
                ? (
                  <button type='button' class='tree-toggle' aria-expanded={open.has(line.path)} aria-label={`${open.has(line.path) ? 'Close' : 'Open'} ${line.name} in the tree`} onClick={() => { browse.toggleTree(line.path) }}>
                    {open.has(line.path) ? '▾' : '▸'}
                  </button>
                  )
                : <span class='tree-toggle' aria-hidden='true' />}
              <button type='button' class={`tree-folder${here === line.path ? ' is-here' : ''}`} aria-current={here === line.path ? 'page' : undefined} title={line.path} onClick={() => { browse.go(line.path) }} {...folderDropTarget(line.path, browse)}>
                {line.name}
              </button>
            </li>
          ))}
        </ul>
      </nav>
    </details>
  )
}
