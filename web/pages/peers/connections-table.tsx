import type { ConnectionInfo } from '../../../core/rpc/api.ts'
import { useModels } from '../../app-context.ts'
import { formatAgo, formatBytes, formatDate, formatLatency, shortPeerId } from '../../format.ts'

/** Open connections: who, how (direct or through a relay), latency with Ping, since when, and Disconnect. */
export function ConnectionsTable ({ connections }: { connections: ConnectionInfo[] }) {
  const { peers } = useModels()
  if (connections.length === 0) return <p class='muted'>Not connected to any peer right now.</p>
  const now = peers.now.value
  const latencies = peers.latencies.value
  const busy = peers.rowBusy.value
  const errors = peers.rowErrors.value
  return (
    <div class='table-scroll'>
      <table class='data'>
        <thead>
          <tr>
            <th scope='col'>Peer</th>
            <th scope='col' class='col-transport'>Transport</th>
            <th scope='col' class='col-direction'>Direction</th>
            <th scope='col'>Latency</th>
            <th scope='col' class='col-traffic'>In / out</th>
            <th scope='col' class='col-since'>Connected since</th>
            <th scope='col'><span class='visually-hidden'>Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {connections.map(c => (
            <tr key={`${c.peerId} ${c.remoteAddr}`}>
              <td class='col-peer'>
                <span class='mono' title={c.peerId}>{shortPeerId(c.peerId)}</span>
                {/* At phone width the Transport column is hidden and the badge shows here instead (never both). */}
                <span class={`badge badge-${c.transport} narrow-only`}>{c.transport}</span>
                <div class='mono small muted wrap' title={c.remoteAddr}>{c.remoteAddr}</div>
                {errors[c.peerId] !== undefined && <p role='alert' class='alert small'>{errors[c.peerId]}</p>}
              </td>
              <td class='col-transport'><span class={`badge badge-${c.transport}`}>{c.transport}</span></td>
              <td class='col-direction'>{c.direction}</td>
              <td class='num'>{formatLatency(latencies[c.peerId] ?? c.latencyMs)}</td>
              <td class='num col-traffic'>{c.bytesIn !== undefined && c.bytesOut !== undefined ? `${formatBytes(c.bytesIn)} / ${formatBytes(c.bytesOut)}` : '—'}</td>
              <td class='col-since' title={formatDate(c.openedAt)}>{formatAgo(c.openedAt, now)}</td>
              <td class='col-actions'>
                <div class='row-actions'>
                  <button type='button' class='secondary small' onClick={() => { void peers.ping(c.peerId) }} disabled={busy[c.peerId] !== undefined}>
                    Ping
                  </button>
                  <button type='button' class='danger-quiet small' onClick={() => { void peers.disconnect(c.peerId) }} disabled={busy[c.peerId] !== undefined}>
                    Disconnect
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
