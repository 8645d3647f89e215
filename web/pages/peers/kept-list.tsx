import type { NetworkStatus } from '../../../core/rpc/api.ts'
import { shortPeerId } from '../../format.ts'
import { ShortAddress } from '../../components/short-address.tsx'

/** The relays and backup peers the node keeps connected, and whether it is redialling them. */
export function KeptList ({ kept }: { kept: NetworkStatus['kept'] }) {
  if (kept.length === 0) return <p class='muted'>None. Relays from Settings and paired backup peers appear here.</p>
  return (
    <ul class='plain-list kept-list'>
      {kept.map(k => (
        <li key={k.address} class='kept'>
          <div class='kept-head'>
            <span class={`badge ${k.connected ? 'badge-online' : 'badge-warn'}`}>{k.connected ? 'Connected' : 'Reconnecting…'}</span>
            <span class='mono' title={k.peerId}>{shortPeerId(k.peerId)}</span>
          </div>
          <div><ShortAddress text={k.address} copyName={`Copy address ${k.address}`} head={24} tail={10} /></div>
          {!k.connected && k.lastError !== undefined && <p class='small muted wrap'>Last error: {k.lastError}</p>}
        </li>
      ))}
    </ul>
  )
}
