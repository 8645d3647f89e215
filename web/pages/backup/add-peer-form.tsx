import { useModels } from '../../app-context.ts'
import { ErrorAlert, StatusNote } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'
import { addedSummary } from '../../models/backup-model.ts'

/** Pair a backup peer: the address and one-time code that `cairn-peer` printed. */
export function AddPeerForm () {
  const { backup } = useModels()
  const busy = backup.addBusy.value
  const error = backup.addError.value
  const added = backup.added.value
  return (
    <section class='card' aria-labelledby='backup-add'>
      <form class='stack' onSubmit={(e) => { e.preventDefault(); void backup.add() }} aria-busy={busy}>
        <h2 id='backup-add'>Add a backup peer</h2>
        <p class='muted small'>
          A backup peer keeps an encrypted copy of your files while every browser is closed, and cannot read them.
          Start one with <code>cairn-peer</code>; it prints its address and a one-time pairing code.
        </p>
        <Field
          label='Backup peer address'
          value={backup.address.value}
          onInput={backup.setAddress}
          invalid={error !== undefined}
          disabled={busy}
          hint='For example /ip4/127.0.0.1/tcp/4201/ws/p2p/12D3KooW…'
        />
        <Field
          class='medium'
          label='Pairing code'
          value={backup.code.value}
          onInput={backup.setCode}
          invalid={error !== undefined}
          disabled={busy}
          hint={<>Run <code>cairn-peer pair</code> on the peer to see it again.</>}
        />
        {backup.fromLink.value && added === undefined && (
          <p class='muted small' role='status'>Filled in from a pairing link. Check that the address is your backup peer's, then press "Add backup peer".</p>
        )}
        <ErrorAlert message={error} />
        <StatusNote message={added !== undefined ? addedSummary(added) : undefined} />
        <div class='actions'>
          <button type='submit' disabled={!backup.canAdd.value}>Add backup peer</button>
          {busy && <span role='status' class='busy'><span class='spinner' aria-hidden='true' />Pairing…</span>}
        </div>
      </form>
    </section>
  )
}
