import { useEffect } from 'preact/hooks'
import { NOTICE_KINDS } from '../../../core/rpc/api-notices.ts'
import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { NOTICE_KIND_WORDS } from '../../models/notices-model.ts'

/** Settings → Notifications: allow them in this browser, and which kinds to hear of. */
export function NotificationsSection () {
  const { notices } = useModels()
  useEffect(() => { void notices.load() }, [])
  const settings = notices.settings.value
  return (
    <section class='card' aria-labelledby='settings-notifications'>
      <h2 id='settings-notifications'>Notifications</h2>
      <PermissionLine />
      <fieldset class='choices'>
        <legend>Tell me when</legend>
        {NOTICE_KINDS.map(kind => (
          <label key={kind}>
            <input
              type='checkbox'
              checked={settings?.[kind] ?? true}
              disabled={settings === undefined}
              onChange={(e) => { void notices.set(kind, e.currentTarget.checked) }}
            /> {NOTICE_KIND_WORDS[kind]}
          </label>
        ))}
      </fieldset>
      <ErrorAlert message={notices.error.value} />
    </section>
  )
}

/** Whether this browser may show them, and the one place that asks. */
function PermissionLine () {
  const { notices } = useModels()
  if (notices.desktop) return <p class='hint'>The desktop app shows these as system notifications, even with its window closed.</p>
  const permission = notices.permission.value
  if (permission === 'unsupported') return <p class='hint'>This browser cannot show notifications; Cairn shows them in the page.</p>
  if (permission === 'granted') return <p class='hint'>This browser shows them while Cairn is in the background.</p>
  if (permission === 'denied') return <p class='hint'>This browser blocks Cairn's notifications: allow them in its site settings to see them in the background.</p>
  return (
    <div class='stack'>
      <p class='hint'>Cairn shows them in the page; allowed, this browser shows them while Cairn is in the background too.</p>
      <div class='actions'>
        <button type='button' class='secondary' onClick={() => { void notices.allow() }}>Allow notifications in this browser</button>
      </div>
    </div>
  )
}
