import type { NetworkStatus } from '../../../core/rpc/api.ts'
import { ShortAddress } from '../../components/short-address.tsx'

/** This device's peer id and the addresses others can dial, each with a Copy button. */
export function IdentitySection ({ status }: { status: NetworkStatus | undefined }) {
  return (
    <section class='card' aria-labelledby='peers-me'>
      <h2 id='peers-me'>This device</h2>
      <dl class='facts'>
        <dt>Peer ID</dt>
        <dd>
          {status === undefined ? '…' : <ShortAddress text={status.peerId} copyName='Copy peer ID' testId='my-peer-id' />}
        </dd>
        <dt>Addresses</dt>
        <dd>
          {status === undefined
            ? '…'
            : status.multiaddrs.length === 0
              ? <span class='muted'>None yet — a browser is reached through its relay once it holds a reservation.</span>
              : (
                <ul class='plain-list'>
                  {status.multiaddrs.map(address => (
                    <li key={address}>
                      <ShortAddress text={address} copyName={`Copy address ${address}`} head={24} tail={10} />
                    </li>
                  ))}
                </ul>
                )}
        </dd>
      </dl>
    </section>
  )
}
