import { useEffect } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { ShareFolderForm } from './share-folder-form.tsx'
import { ShareRow } from './share-row.tsx'

/** "My shares": the links I made, newest first, and "Share a folder". Live while open. */
export function SharesPage () {
  const { shares } = useModels()
  useEffect(() => shares.open(), [])
  const list = shares.shares.value
  return (
    <div class='page shares-page'>
      <div class='page-head'>
        <h1>My shares</h1>
      </div>
      <ErrorAlert message={shares.error.value} />
      {!shares.loaded.value && shares.error.value === undefined && <p class='muted'>Loading…</p>}
      {shares.loaded.value && list.length === 0 && (
        <div class='empty'>
          <p>You have not shared anything yet. Use Share on a file, or share a folder below, to make a link.</p>
        </div>
      )}
      {list.length > 0 && (
        <div class='card table-scroll'>
          <table class='data shares'>
            <thead>
              <tr>
                <th scope='col'>Name</th>
                <th scope='col'>Size</th>
                <th scope='col' class='col-since'>Created</th>
                <th scope='col'>Expires</th>
                <th scope='col'>Where</th>
                <th scope='col' class='col-actions'><span class='visually-hidden'>Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {list.map(share => <ShareRow key={share.id} share={share} />)}
            </tbody>
          </table>
        </div>
      )}
      <ShareFolderForm />
    </div>
  )
}
