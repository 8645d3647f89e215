import type { BackupPeerInfo } from '../../../core/rpc/api.ts'
import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { messageForCode } from '../../error-messages.ts'
import { formatAgo, formatBytes, formatDate, shortPeerId } from '../../format.ts'
import { damagedBlockWords, replicationSummary, verifySummary } from '../../models/backup-model.ts'
import { keepsDeletedText } from './keeps-deleted.ts'
import { servesText } from './serves-words.ts'
import { ShortAddress } from '../../components/short-address.tsx'

/** One paired backup peer: online or not, what it holds, what is left, what failed, Verify now and Remove. */
export function PeerCard ({ peer }: { peer: BackupPeerInfo }) {
  const { backup, devices } = useModels()
  const headingId = `backup-peer-${peer.peerId}`
  const summary = replicationSummary(peer)
  const done = summary === 'All files replicated'
  return (
    <section class='card stack backup-peer' aria-labelledby={headingId}>
      <div class='card-head'>
        <h2 id={headingId}>Backup peer <span class='mono' title={peer.peerId}>{shortPeerId(peer.peerId)}</span></h2>
        <span class={`badge ${peer.online ? 'badge-online' : 'badge-offline'}`}>{peer.online ? 'Online' : 'Offline'}</span>
      </div>
      <p class={`replication ${done ? 'is-done' : ''}`} data-testid='replication-summary'>{summary}</p>
      {peer.devices !== undefined && <p data-testid='serves'>{servesText(peer.devices, devices.devices.value)}</p>}
      <dl class='facts'>
        <dt>Address</dt><dd><ShortAddress text={peer.address} copyName='Copy address' head={24} tail={10} /></dd>
        <dt>Last seen</dt><dd title={peer.lastSeen > 0 ? formatDate(peer.lastSeen) : undefined}>{formatAgo(peer.lastSeen, backup.now.value)}</dd>
        <dt>Files replicated</dt><dd class='num'>{peer.filesReplicated}</dd>
        <dt>Bytes replicated</dt><dd class='num'>{formatBytes(peer.bytesReplicated)}</dd>
        <dt>Pending</dt><dd class='num'>{peer.pending}</dd>
        {peer.keepsDeleted !== undefined && <><dt>Deleted files</dt><dd data-testid='keeps-deleted'>{keepsDeletedText(peer.keepsDeleted)}</dd></>}
      </dl>
      {peer.lastError !== undefined && <p class='small muted wrap' data-testid='last-error'>Last error: {lastErrorWords(peer)}</p>}
      {peer.failed.length > 0 && (
        <details class='failed'>
          <summary>{peer.failed.length} {peer.failed.length === 1 ? 'item' : 'items'} failed</summary>
          <ul class='plain-list'>
            {peer.failed.map(f => (
              <li key={f.cid}><span class='mono small wrap'>{f.cid}</span> — {f.reason}</li>
            ))}
          </ul>
        </details>
      )}
      <VerifyOutcome peerId={peer.peerId} />
      <div class='actions'>
        <button type='button' class='secondary' onClick={() => { void backup.verify(peer.peerId) }} disabled={backup.verifying.value[peer.peerId] === true}>
          Verify now
        </button>
        <button type='button' class='danger-quiet' onClick={() => { backup.startRemove(peer) }}>Remove</button>
      </div>
    </section>
  )
}

/** The last "Verify now" for one peer: in progress, its result, or its error. */
function VerifyOutcome ({ peerId }: { peerId: string }) {
  const { backup } = useModels()
  if (backup.verifying.value[peerId] === true) {
    return <p role='status' class='busy'><span class='spinner' aria-hidden='true' />Asking the peer to re-read a sample of what it holds…</p>
  }
  const error = backup.verifyErrors.value[peerId]
  if (error !== undefined) return <ErrorAlert message={error} />
  const result = backup.verifyResults.value[peerId]
  if (result === undefined) return null
  if (result.bad.length === 0) return <p role='status' class='note'>{verifySummary(result)}</p>
  const damaged = result.damaged ?? result.bad.map(cid => ({ cid, repaired: false }))
  return (
    <div role='alert' class='alert'>
      <p>{verifySummary(result)}.</p>
      <ul class='plain-list'>{damaged.map(block => <li key={block.cid}>{damagedBlockWords(block)} <span class='mono small wrap muted'>{block.cid}</span></li>)}</ul>
    </div>
  )
}


/** The last error in words when it had a code (e.g. this device was removed); else as the node said it. */
function lastErrorWords (peer: BackupPeerInfo): string {
  return peer.lastErrorCode !== undefined && peer.lastErrorCode !== 'INTERNAL' ? messageForCode(peer.lastErrorCode) : peer.lastError ?? ''
}
