import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'
import { NewPassphraseFields } from '../../components/new-passphrase-fields.tsx'
import { QrScanner } from '../../components/qr-scanner.tsx'
import { SafetyNumber } from '../devices/safety-number.tsx'

/** "Join my vault from another device": the offer (link, code or QR code), the safety number, then this device's passphrase. */
export function JoinForm () {
  const { join } = useModels()
  const stage = join.stage.value
  return (
    <div class='stack'>
      <h1>Join my vault from another device</h1>
      {(stage === 'enter' || stage === 'joining' || stage === 'failed') && <OfferStep />}
      {stage === 'compare' && <CompareStep />}
      {(stage === 'received' || stage === 'finishing') && <PassphraseStep />}
    </div>
  )
}

function OfferStep () {
  const { join } = useModels()
  const stage = join.stage.value
  const joining = stage === 'joining'
  return (
    <form class='stack' onSubmit={(e) => { e.preventDefault(); void join.join() }} aria-busy={joining}>
      <p class='lead'>
        On a device that already has your vault, open Devices → “Add a device”. Then scan its QR code, or paste its
        link or type its code here.
      </p>
      <Field
        label='Link or code'
        value={join.input.value}
        onInput={join.setInput}
        disabled={joining}
        autoFocus={!join.scanning.value}
        hint='The link starts with the address of Cairn; the code is 12 digits, like 4821-0937-5512.'
      />
      {join.scanning.value && <QrScanner onResult={join.scanned} onError={join.scanFailed} />}
      <ErrorAlert message={join.scanError.value} />
      {stage === 'failed' && (
        <div class='stack-tight'>
          <ErrorAlert message={join.error.value} />
          <div class='actions'><button type='button' class='secondary' onClick={join.retry}>Try again</button></div>
        </div>
      )}
      <div class='actions'>
        <button type='submit' disabled={!join.canJoin.value}>Join</button>
        {join.scanning.value
          ? <button type='button' class='secondary' onClick={join.stopScan}>Stop scanning</button>
          : <button type='button' class='secondary' onClick={join.startScan} disabled={joining}>Scan QR code</button>}
        <button type='button' class='secondary' onClick={join.cancel} disabled={joining}>Back</button>
        {joining && <span role='status' class='busy'><span class='spinner' aria-hidden='true' />Reaching your other device…</span>}
      </div>
    </form>
  )
}

function CompareStep () {
  const { join } = useModels()
  const other = join.otherDevice.value || 'your other device'
  return (
    <div class='stack'>
      <p class='lead'>Check that {other} shows the same safety number:</p>
      <SafetyNumber value={join.safetyNumber.value ?? ''} />
      <p role='status' class='busy'><span class='spinner' aria-hidden='true' />Confirm on {other}.</p>
      <p class='muted'>If the numbers differ, say so there: someone may be in between, and nothing is shared.</p>
      <div class='actions'><button type='button' class='secondary' onClick={join.cancel}>Cancel</button></div>
    </div>
  )
}

function PassphraseStep () {
  const { join } = useModels()
  const finishing = join.stage.value === 'finishing'
  return (
    <form class='stack' onSubmit={(e) => { e.preventDefault(); void join.finish() }} aria-busy={finishing}>
      <p role='status' class='note'>{join.otherDevice.value || 'Your other device'} sent this device your vault's key.</p>
      <p class='lead'>Choose a passphrase to open your vault on this device. It can differ from your other devices' ones.</p>
      <NewPassphraseFields form={join.form} label='Passphrase' autoFocus disabled={finishing} />
      <ErrorAlert message={join.error.value} />
      <div class='actions'>
        <button type='submit' disabled={!join.form.ready.value || finishing}>Open my vault</button>
        <button type='button' class='secondary' onClick={join.cancel} disabled={finishing}>Cancel</button>
        {finishing && <span role='status' class='busy'><span class='spinner' aria-hidden='true' />Opening your vault…</span>}
      </div>
    </form>
  )
}
