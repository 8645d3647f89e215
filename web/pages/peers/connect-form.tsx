import { useModels } from '../../app-context.ts'
import { ErrorAlert, StatusNote } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'
import { shortPeerId } from '../../format.ts'

/** "Connect to a peer": dial a multiaddr once. */
export function ConnectForm () {
  const { peers } = useModels()
  const busy = peers.connectBusy.value
  const connectedTo = peers.connectedTo.value
  return (
    <form class='stack' aria-labelledby='peers-connect' onSubmit={(e) => { e.preventDefault(); void peers.connect() }} aria-busy={busy}>
      <h2 id='peers-connect'>Connect to a peer</h2>
      <Field
        label='Peer address'
        value={peers.connectAddress.value}
        onInput={peers.setConnectAddress}
        invalid={peers.connectError.value !== undefined}
        disabled={busy}
        hint='A multiaddr ending in /p2p/ and the peer ID, for example /ip4/127.0.0.1/tcp/4101/ws/p2p/12D3KooW…'
      />
      <ErrorAlert message={peers.connectError.value} />
      <StatusNote message={connectedTo !== undefined ? `Connected to ${shortPeerId(connectedTo)}.` : undefined} />
      <div class='actions'>
        <button type='submit' disabled={busy || peers.connectAddress.value.trim() === ''}>Connect</button>
        {busy && <span role='status' class='busy'><span class='spinner' aria-hidden='true' />Connecting…</span>}
      </div>
    </form>
  )
}
