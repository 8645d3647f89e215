/**
 * A pairing link opens the app with a backup peer's address and one-time
 * code filled in: `http://localhost:5173/#/backup/add?peer=<multiaddr>&code=<code>`.
 * Both ride in the fragment, which browsers never send to a server. `npm
 * start` prints one; the Backup page reads it (the user still presses Add).
 */

export const PAIRING_LINK_PREFIX = '#/backup/add?'

export interface PairingLink {
  peer: string
  code: string
}

/** The hash of a pairing link. */
export function pairingLinkHash (link: PairingLink): string {
  return `${PAIRING_LINK_PREFIX}${new URLSearchParams({ peer: link.peer, code: link.code }).toString()}`
}

/** The address and code a hash carries, or undefined when it is not a pairing link (or lacks either). */
export function parsePairingLink (hash: string): PairingLink | undefined {
  if (!hash.startsWith(PAIRING_LINK_PREFIX)) return undefined
  const params = new URLSearchParams(hash.slice(PAIRING_LINK_PREFIX.length))
  const peer = params.get('peer')?.trim() ?? ''
  const code = params.get('code')?.trim() ?? ''
  if (peer === '' || code === '') return undefined
  return { peer, code }
}
