import { useModels } from '../../app-context.ts'
import { breadcrumbs } from '../../models/folder-tree.ts'
import { folderDropTarget } from './row-drag.ts'

/** Where you are: "All files › photos › 2024"; each crumb walks back up, and takes dropped rows. */
export function Breadcrumbs () {
  const { files } = useModels()
  const { browse } = files
  const crumbs = breadcrumbs(browse.folder.value)
  if (browse.searching.value) return <p class='breadcrumbs muted'>Search results in all folders</p>
  return (
    <nav class='breadcrumbs' aria-label='Folder'>
      <ol>
        {crumbs.map((crumb, i) => (
          <li key={crumb.path}>
            {i === crumbs.length - 1
              ? <span aria-current='page' class='crumb' {...folderDropTarget(crumb.path, browse)}>{crumb.name}</span>
              : <button type='button' class='crumb link-button' onClick={() => { browse.go(crumb.path) }} {...folderDropTarget(crumb.path, browse)}>{crumb.name}</button>}
          </li>
        ))}
      </ol>
    </nav>
  )
}
