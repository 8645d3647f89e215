/** What a share link's fragment starts with (core/share/share-link.ts SHARE_FRAGMENT_PREFIX). */
const PREFIX = '#/s/'

/**
 * Reads a share link's fragment and removes it from the address bar at once,
 * so the key is not left in view, in the history entry, or in a bookmark.
 * Fragments are never sent in requests; this keeps it off the screen too.
 */
export function takeShareLink (location: Pick<Location, 'hash' | 'pathname' | 'search'> = window.location, history: Pick<History, 'replaceState' | 'state'> = window.history): string | undefined {
  const hash = location.hash
  if (!hash.startsWith(PREFIX)) return undefined
  history.replaceState(history.state, '', location.pathname + location.search)
  return hash
}
