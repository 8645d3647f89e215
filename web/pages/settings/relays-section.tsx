import { useEffect } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { ErrorAlert, StatusNote } from '../../components/error-alert.tsx'
import { TextAreaField } from '../../components/text-area-field.tsx'
import { isDesktopApp } from '../../lib/desktop-host.ts'

/** The relays the node keeps a reservation with, one multiaddr per line. */
export function RelaysSection () {
  const { relays } = useModels()
  useEffect(() => { void relays.load() }, [])
  const busy = relays.busy.value
  const error = relays.error.value
  return (
    <section class='card' aria-labelledby='settings-relays'>
      <h2 id='settings-relays'>Relays</h2>
      <form class='stack' onSubmit={(e) => { e.preventDefault(); void relays.save() }} aria-busy={busy}>
        <p class='muted small'>
          A relay lets other devices and your backup peer reach this {isDesktopApp() ? 'computer' : 'browser'}. It forwards encrypted bytes and keeps nothing.
        </p>
        <TextAreaField
          label='Relay addresses'
          rows={3}
          value={relays.text.value}
          onInput={relays.setText}
          invalid={error !== undefined}
          disabled={busy || !relays.loaded.value}
          placeholder='/ip4/127.0.0.1/tcp/4101/ws/p2p/12D3KooW…'
          hint='One multiaddr per line. Leave it empty to use no relay.'
        />
        <ErrorAlert message={error} />
        <StatusNote message={relays.saved.value ? 'Saved. Cairn connects to these relays now.' : undefined} />
        <div class='actions'>
          <button type='submit' disabled={busy || !relays.loaded.value}>Save relays</button>
          {busy && <span role='status' class='busy'><span class='spinner' aria-hidden='true' />Saving…</span>}
        </div>
      </form>
    </section>
  )
}
