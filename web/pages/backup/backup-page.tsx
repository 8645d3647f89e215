import { useEffect } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { isDesktopApp } from '../../lib/desktop-host.ts'
import { AddPeerForm } from './add-peer-form.tsx'
import { DesktopPeerCard } from './desktop-peer-card.tsx'
import { PeerCard } from './peer-card.tsx'

/** Backup peers: pair one, and follow what each holds. Live while open. */
export function BackupPage () {
  const { backup, devices } = useModels()
  useEffect(() => backup.open(), [])
  // The peer cards name the devices each peer serves.
  useEffect(() => { void devices.refresh() }, [])
  const peers = backup.peers.value
  return (
    <div class='page backup-page'>
      <div class='page-head'>
        <h1>Backup</h1>
        <button type='button' class='secondary' onClick={() => { void backup.refresh() }}>Refresh</button>
      </div>
      <ErrorAlert message={backup.error.value} />
      {!backup.loaded.value && backup.error.value === undefined && <p class='muted'>Loading…</p>}
      {backup.loaded.value && peers.length === 0 && (
        <div class='empty'>
          <h2>No backup peer yet</h2>
          <p>{isDesktopApp()
            ? 'Your files live only on this computer. Pair a backup peer below (another machine survives losing this disk) to keep a second copy.'
            : 'Your files live only in this browser. Pair a backup peer below to keep a copy while it is closed.'}
          </p>
        </div>
      )}
      {peers.map(peer => <PeerCard key={peer.peerId} peer={peer} />)}
      {isDesktopApp() && <DesktopPeerCard />}
      {/* Once a peer is paired, the form folds away; a pairing link or a pair just made keeps it open. */}
      {peers.length > 0 && backup.added.value === undefined && !backup.fromLink.value
        ? (
          <details class='card fold'>
            <summary>Add another backup peer</summary>
            <AddPeerForm />
          </details>
          )
        : <AddPeerForm />}
    </div>
  )
}
