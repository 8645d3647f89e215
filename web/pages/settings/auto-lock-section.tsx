import { useModels } from '../../app-context.ts'
import { ErrorAlert, StatusNote } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'
import { isDesktopApp } from '../../lib/desktop-host.ts'

/** How long the vault stays open without activity. */
export function AutoLockSection () {
  const { settings } = useModels()
  const busy = settings.autoLockBusy.value
  return (
    <section class='card' aria-labelledby='settings-autolock'>
      <h2 id='settings-autolock'>Auto-lock</h2>
      {/* noValidate: the model checks the range and says so in words; fractions of a minute are allowed. */}
      <form class='stack' noValidate onSubmit={(e) => { e.preventDefault(); void settings.saveAutoLock() }}>
        <Field
          class='narrow'
          label='Auto-lock after (minutes)'
          type='number'
          inputMode='decimal'
          step='any'
          value={settings.autoLockText.value}
          onInput={settings.setAutoLockText}
          invalid={settings.autoLockError.value !== undefined}
          hint={isDesktopApp()
            ? 'The vault locks itself after this long without you using Cairn. 0 keeps it open while Cairn runs, so it syncs and backs up with the window closed.'
            : 'The vault locks itself after this long without you using Cairn in any tab. 0 means never.'}
        />
        <ErrorAlert message={settings.autoLockError.value} />
        <StatusNote message={settings.autoLockSaved.value ? 'Saved.' : undefined} />
        <div class='actions'>
          <button type='submit' disabled={busy}>Save</button>
        </div>
      </form>
    </section>
  )
}
