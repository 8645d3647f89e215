import { useModels } from '../../app-context.ts'
import { damageWords } from '../../models/storage-health-model.ts'

/** One notice per file found damaged (an alert) or repaired (a status), naming the file. */
export function DamageNotices () {
  const { storageHealth } = useModels()
  const notices = storageHealth.notices.value
  if (notices.length === 0) return null
  return (
    <div class='stack damage-notices'>
      {notices.map(notice => (
        <div key={`${notice.fileId}:${notice.where ?? ''}`} role={notice.state === 'damaged' ? 'alert' : 'status'} class={notice.state === 'damaged' ? 'alert' : 'note'}>
          <span>{damageWords(notice)}</span>{' '}
          <button type='button' class='secondary small' onClick={() => { storageHealth.dismiss(notice.fileId, notice.where) }}>Dismiss</button>
        </div>
      ))}
    </div>
  )
}
