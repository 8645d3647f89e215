import { useEffect } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { ConnectForm } from './connect-form.tsx'
import { ConnectionsTable } from './connections-table.tsx'
import { IdentitySection } from './identity-section.tsx'
import { KeptList } from './kept-list.tsx'
import { RelaySection } from './relay-section.tsx'

/** This device on the network: identity, connections, dialling, kept peers and the relay. Live while open. */
export function PeersPage () {
  const { peers } = useModels()
  useEffect(() => peers.open(), [])
  const status = peers.status.value
  return (
    <div class='page peers-page'>
      <div class='page-head'>
        <h1>Peers</h1>
        <button type='button' class='secondary' onClick={() => { void peers.refresh() }}>Refresh</button>
      </div>
      <ErrorAlert message={peers.error.value} />
      <IdentitySection status={status} />
      <section class='card stack' aria-labelledby='peers-connections'>
        <h2 id='peers-connections'>Connected peers{status !== undefined ? ` (${status.connections.length})` : ''}</h2>
        {status === undefined ? <p class='muted'>Loading…</p> : <ConnectionsTable connections={status.connections} />}
      </section>
      <section class='card'>
        <ConnectForm />
      </section>
      <section class='card stack' aria-labelledby='peers-kept'>
        <h2 id='peers-kept'>Kept connected</h2>
        <p class='muted small'>Relays and backup peers Cairn stays connected to, and redials by itself when a connection drops.</p>
        {status === undefined ? <p class='muted'>Loading…</p> : <KeptList kept={status.kept} />}
      </section>
      <RelaySection relays={status?.relays ?? []} />
    </div>
  )
}
