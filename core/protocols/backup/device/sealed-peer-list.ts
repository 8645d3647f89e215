import { openSecret, sealSecret } from '../../../crypto/secretbox.ts'
import { fromBase64Url, toBase64Url } from '../../../crypto/base64.ts'
import { FormatInvalidError } from '../../../errors.ts'
import type { BackupClient } from '../index.ts'
import type { Log } from '../../../log.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

/** A backup peer as the sealed list names it. */
export interface ListedPeer {
  peerId: string
  address: string
}

const AAD = new TextEncoder().encode('cairn/v1/peers')
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * The vault's backup peers, sealed under its `peers` subkey (XChaCha20-Poly1305,
 * core/crypto/secretbox.ts) as base64url, for each peer to keep: the peer
 * cannot read which other peers the vault uses, and a restore opens it.
 */
export function sealPeerList (key: Uint8Array, peers: ListedPeer[]): string {
  const plain = peers.map(({ peerId, address }) => ({ peerId, address }))
  return toBase64Url(sealSecret(key, encoder.encode(JSON.stringify(plain)), AAD))
}

/** Opens a sealed peer list; throws FORMAT_INVALID when it is damaged, forged or malformed. */
export function openPeerList (key: Uint8Array, sealed: string): ListedPeer[] {
  const bytes = fromBase64Url(sealed)
  if (bytes === undefined) throw new FormatInvalidError('the sealed peer list is not base64url')
  const value = JSON.parse(decoder.decode(openSecret(key, bytes, AAD, 'FORMAT_INVALID'))) as unknown
  if (!Array.isArray(value) || !value.every(isListedPeer)) throw new FormatInvalidError('the sealed peer list is malformed')
  return value
}

function isListedPeer (value: unknown): value is ListedPeer {
  const peer = value as Partial<ListedPeer> | null
  return typeof peer === 'object' && peer !== null && typeof peer.peerId === 'string' && typeof peer.address === 'string'
}

/**
 * Restore: the peers the vault had, as the peer it is restored from keeps
 * them (the peer itself included when it is listed); [] when it keeps no
 * list or one that does not open (logged: the restore goes on with that peer alone).
 */
export async function keptPeerList (client: BackupClient, peer: Multiaddr, key: Uint8Array, log: Log): Promise<ListedPeer[]> {
  try {
    const sealed = await client.peerList(peer)
    return sealed === null ? [] : openPeerList(key, sealed)
  } catch (err) {
    log.warn(`restore: the backup peer's list of this vault's other peers could not be read (${(err as Error).message})`)
    return []
  }
}
