import type { NetworkStatus } from '../../../core/rpc/api.ts'
import { CopyButton } from '../../components/copy-button.tsx'

/** This device's peer id and the addresses others can dial, each with a Copy button. */
export function IdentitySection ({ status }: { status: NetworkStatus | undefined }) {
  return (
    <section class='card' aria-labelledby='peers-me'>
      <h2 id='peers-me'>This device</h2>
      <dl class='facts'>
        <dt>Peer ID</dt>
        <dd>
          <div class='copy-line'>
            <span class='mono wrap' data-testid='my-peer-id'>{status?.peerId ?? '…'}</span>
            {status !== undefined && <CopyButton small name='Copy peer ID' text={() => status.peerId} />}
          </div>
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
                    <li key={address} class='copy-line'>
                      <span class='mono wrap'>{address}</span>
                      <CopyButton small name={`Copy address ${address}`} text={() => address} />
                    </li>
                  ))}
                </ul>
                )}
        </dd>
      </dl>
    </section>
  )
}
