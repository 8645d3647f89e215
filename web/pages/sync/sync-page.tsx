import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { AddFolderForm } from './add-folder-form.tsx'
import { FolderCard } from './folder-card.tsx'
import { RestoreFolderForm } from './restore-folder-form.tsx'

/** Folders on disk kept in step with the vault. */
export function SyncPage () {
  const { sync } = useModels()
  const folders = sync.folders.value
  return (
    <div class='page sync-page stack'>
      <div class='page-head'>
        <h1>Sync</h1>
      </div>
      <p class='muted'>
        Cairn watches these folders and keeps their files in the vault: new and changed files go in, deleted ones go to the Trash.
        {folders.length > 0 && (sync.inStep.value ? ' Every folder is in step.' : '')}
      </p>
      <ErrorAlert message={sync.error.value} />
      {folders.map(folder => <FolderCard key={folder.id} folder={folder} />)}
      <AddFolderForm />
      <RestoreFolderForm />
    </div>
  )
}
