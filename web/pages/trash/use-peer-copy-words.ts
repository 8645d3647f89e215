import { useEffect } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { peerCopyWords } from '../../models/peer-copy-words.ts'

/**
 * The sentence about the backup peers' copy (peer-copy-words.ts), from the
 * peers as they are now: re-read while `active`, since the list is otherwise
 * loaded only by the Backup page. Empty until it is known.
 */
export function usePeerCopyWords (moment: 'delete' | 'empty', active = true): string {
  const { backup } = useModels()
  useEffect(() => { if (active) void backup.refresh() }, [active])
  return backup.loaded.value ? peerCopyWords(backup.peers.value, moment) : ''
}
