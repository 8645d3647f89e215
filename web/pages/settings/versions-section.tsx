import { useEffect } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { ErrorAlert, StatusNote } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'
import { usePeerCopyWords } from '../trash/use-peer-copy-words.ts'

/** How long earlier versions of files are kept: for some days, or the last few. */
export function VersionsSection () {
  const { retention } = useModels()
  useEffect(() => { void retention.load() }, [])
  const keep = retention.keep.value
  const peerCopy = usePeerCopyWords('empty')
  return (
    <section class='card' aria-labelledby='settings-versions'>
      <h2 id='settings-versions'>Earlier versions</h2>
      <form class='stack' noValidate onSubmit={(e) => { e.preventDefault(); void retention.save() }}>
        <fieldset class='choices'>
          <legend>When a file is replaced, keep the earlier version</legend>
          <label><input type='radio' name='keep-versions' checked={keep === 'days'} onChange={() => { retention.setKeep('days') }} /> for a number of days</label>
          <label><input type='radio' name='keep-versions' checked={keep === 'count'} onChange={() => { retention.setKeep('count') }} /> the last few versions of each file</label>
        </fieldset>
        <Field
          class='narrow'
          label={keep === 'days' ? 'Days to keep them' : 'Versions to keep per file'}
          type='number'
          inputMode='numeric'
          value={retention.amount.value}
          onInput={retention.setAmount}
          invalid={retention.error.value !== undefined}
          hint={`Older versions are removed from this device.${peerCopy !== '' ? ` ${peerCopy}` : ''}`}
        />
        <ErrorAlert message={retention.error.value} />
        <StatusNote message={retention.saved.value ? 'Saved.' : undefined} />
        <div class='actions'>
          <button type='submit' disabled={retention.busy.value}>Save</button>
        </div>
      </form>
    </section>
  )
}
