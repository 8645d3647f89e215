import type { ShareInfo } from '../../../core/rpc/api.ts'
import { useModels } from '../../app-context.ts'
import { CopyButton } from '../../components/copy-button.tsx'
import { formatBytes, formatDate, shortPeerId } from '../../format.ts'
import { expiryText, folderSummary } from './share-format.ts'

/** One share: what, how big, when, until when, where it is held, and Copy link / Stop sharing. */
export function ShareRow ({ share }: { share: ShareInfo }) {
  const { shares } = useModels()
  return (
    <tr class={share.expired ? 'is-expired' : undefined}>
      <td class='col-name'>
        {share.name}
        {share.folder !== undefined && <div class='small muted'>{folderSummary(share.fileCount ?? 0)}</div>}
      </td>
      <td class='num'>{formatBytes(share.size)}</td>
      <td class='col-since'>{formatDate(share.createdAt)}</td>
      <td class='col-expires'>{expiryText(share)}</td>
      <td class='col-where'>
        {share.pinnedOn.length > 0
          ? (
            <>
              On your backup peer{' '}
              {share.pinnedOn.map((peerId, i) => (
                <span key={peerId}>{i > 0 && ', '}<span class='mono small' title={peerId}>{shortPeerId(peerId)}</span></span>
              ))}
            </>
            )
          : 'Only on this device (open Cairn for the link to work)'}
      </td>
      <td class='col-actions'>
        <div class='row-actions'>
          {/* An expired link no longer opens anything: nothing worth copying. */}
          {!share.expired && <CopyButton small label='Copy link' name={`Copy link to ${share.name}`} text={() => share.link} />}
          <button type='button' class='danger-quiet small' aria-label={`Stop sharing ${share.name}`} onClick={() => { shares.startStop(share) }}>
            Stop sharing
          </button>
        </div>
      </td>
    </tr>
  )
}
