import { useModels } from '../../app-context.ts'
import { CopyButton } from '../../components/copy-button.tsx'
import { Dialog } from '../../components/dialog.tsx'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { QrCode } from '../../components/qr-code.tsx'
import { formatCountdown } from '../../format.ts'
import { codeGroups } from '../../models/pairing-words.ts'
import { SafetyNumber } from './safety-number.tsx'

/** "Add a device": the offer (QR code, link, code, countdown), then the safety number to compare, then the outcome. */
export function AddDeviceDialog () {
  const { addDevice } = useModels()
  const stage = addDevice.stage.value
  if (stage === 'closed') return null
  return (
    <Dialog title='Add a device' onCancel={addDevice.close}>
      <div class='stack add-device'>
        {stage === 'offering' && <p role='status' class='busy'><span class='spinner' aria-hidden='true' />Making a one-time offer…</p>}
        {stage === 'offer' && <OfferView />}
        {(stage === 'compare' || stage === 'confirming') && <CompareView />}
        {stage === 'paired' && (
          <p role='status' class='note'>{addDevice.paired.value?.name ?? 'The device'} was added. It lists your files now and fetches each when it is opened.</p>
        )}
        {stage === 'failed' && (
          <>
            <ErrorAlert message={addDevice.error.value} />
            <div class='actions'><button type='button' onClick={() => { void addDevice.renew() }}>New offer</button></div>
          </>
        )}
        <div class='actions'>
          <button type='button' class='secondary' onClick={addDevice.close} disabled={stage === 'confirming'}>{stage === 'paired' ? 'Done' : 'Close'}</button>
        </div>
      </div>
    </Dialog>
  )
}

function OfferView () {
  const { addDevice } = useModels()
  const offer = addDevice.offer.value
  if (offer === undefined) return null
  if (addDevice.expired.value) {
    return (
      <>
        <p role='alert' class='alert'>This offer expired before a device used it. Make a new one to try again.</p>
        <div class='actions'><button type='button' onClick={() => { void addDevice.renew() }}>New offer</button></div>
      </>
    )
  }
  return (
    <>
      <p>
        On the new device, open Cairn and choose “Join my vault from another device”. Then scan this code, open the
        link, or type the code.
      </p>
      <QrCode text={offer.link} label='QR code of the offer to join this vault' />
      <div class='stack-tight'>
        <span class='muted small'>Link</span>
        <div class='copy-line'>
          <span class='mono wrap' data-testid='offer-link'>{offer.link}</span>
          <CopyButton text={() => offer.link} name='Copy link' small />
        </div>
      </div>
      {offer.code !== ''
        ? (
          <div class='stack-tight'>
            <span class='muted small'>Code</span>
            <p class='offer-code' aria-label={`Code ${offer.code}`} data-testid='offer-code'>
              {codeGroups(offer.code).map((group, i) => <span key={i} class='digit-group'>{group}</span>)}
            </p>
          </div>
          )
        : <p class='muted small'>No code to type this time (no relay took it): use the QR code or the link.</p>}
      <p class='muted' role='timer' aria-live='off'>
        Expires in <span class='num'>{formatCountdown(addDevice.remaining.value)}</span>. It works once.
      </p>
    </>
  )
}

function CompareView () {
  const { addDevice } = useModels()
  const number = addDevice.safetyNumber.value ?? ''
  const confirming = addDevice.stage.value === 'confirming'
  return (
    <>
      <p>{addDevice.otherDevice.value || 'A device'} wants to join. Check that it shows the same safety number:</p>
      <SafetyNumber value={number} />
      <p class='muted'>Only when every digit matches is your vault's key sent to it, encrypted for it alone.</p>
      <div class='actions'>
        <button type='button' onClick={() => { void addDevice.answer(true) }} disabled={confirming}>The numbers match</button>
        <button type='button' class='danger-quiet' onClick={() => { void addDevice.answer(false) }} disabled={confirming}>They don't match</button>
        {confirming && <span role='status' class='busy'><span class='spinner' aria-hidden='true' />Sending the key…</span>}
      </div>
    </>
  )
}
