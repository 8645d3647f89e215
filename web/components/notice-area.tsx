import { useModels } from '../app-context.ts'

/** The node's notices while the page is in view (the Notification API takes them while it is not). */
export function NoticeArea () {
  const { notices } = useModels()
  const shown = notices.shown.value
  if (shown.length === 0) return null
  return (
    <div class='stack notice-area' role='region' aria-label='Notices'>
      {shown.map(notice => (
        <div key={notice.id} role='status' class='note'>
          <strong>{notice.title}</strong>{' '}<span>{notice.body}</span>{' '}
          <button type='button' class='secondary small' onClick={() => { notices.dismiss(notice.id) }}>Dismiss</button>
        </div>
      ))}
    </div>
  )
}
