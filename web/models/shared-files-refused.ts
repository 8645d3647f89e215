import { SHARE_TARGET_MAX_BYTES, SHARE_TARGET_MAX_FILES, type RefusedSharedFile } from '../../core/rpc/share-target-messages.ts'
import { formatBytes } from '../format.ts'

/** Names shown before "and K more". */
const SHOWN_NAMES = 5
/** Longer names are cut: they come from whoever shared the files. */
const NAME_CHARS = 60

const caps = `Cairn takes at most ${SHARE_TARGET_MAX_FILES} files and ${formatBytes(SHARE_TARGET_MAX_BYTES)} at once from the share sheet`
const instead = 'Add them with "Add files" instead.'

/** Words for the shared files the service worker refused (sw/share-target-route.ts); undefined when none. */
export function refusedSharedMessage (refused: RefusedSharedFile[]): string | undefined {
  if (refused.length === 0) return undefined
  const whole = refused.find(r => r.reason === 'share-too-large')
  if (whole !== undefined) return `Nothing was taken from a share of ${formatBytes(whole.size)}: ${caps}. ${instead}`
  const n = refused.length
  const names = refused.slice(0, SHOWN_NAMES).map(r => r.name.length > NAME_CHARS ? `${r.name.slice(0, NAME_CHARS - 1)}…` : r.name)
  const more = n - names.length
  return `${n} shared ${n === 1 ? 'file was' : 'files were'} not taken: ${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}. ${caps}. ${instead}`
}
