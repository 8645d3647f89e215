import { useEffect, useMemo } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { formatBytes, shortPeerId } from '../../format.ts'
import { hrefFor } from '../../models/route-model.ts'
import { backupState, createFilesSummaryModel } from '../../models/files-summary-model.ts'

/**
 * One line at the top of Files: storage used on this device and on each
 * backup peer, and whether everything is backed up ("3 files to back up").
 */
export function FilesSummary () {
  const { client, files, fileLocations, route } = useModels()
  const summary = useMemo(() => createFilesSummaryModel(client), [client])
  useEffect(() => summary.open(), [summary])
  const stats = summary.stats.value
  const peers = summary.peers.value
  if (stats === undefined && peers === undefined) return null
  const state = peers === undefined ? undefined : backupState(files.files.value, fileLocations.locations.value, peers.length)
  return (
    <ul class='files-summary' aria-label='Storage and backup' data-testid='files-summary'>
      {stats !== undefined && <li>This device: <span class='num'>{formatBytes(stats.storedBytes)}</span></li>}
      {peers?.map(peer => (
        <li key={peer.peerId}>
          Backup peer <span class='mono' title={peer.peerId}>{shortPeerId(peer.peerId)}</span>: <span class='num'>{formatBytes(peer.bytesReplicated)}</span>
        </li>
      ))}
      {state !== undefined && (
        <li class={state.tone === 'done' ? 'backed-up' : state.tone === 'pending' ? 'to-back-up' : undefined} data-testid='backup-state'>
          {state.tone === 'none'
            ? <>{state.text} — <a href={hrefFor('backup')} onClick={(e) => { e.preventDefault(); route.go('backup') }}>add one</a></>
            : state.text}
        </li>
      )}
    </ul>
  )
}
