import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import { checkPassphrase } from '../crypto/passphrase-strength.ts'
import { decodeRecoveryPhrase } from '../crypto/recovery-phrase.ts'
import { deriveSubkey } from '../crypto/subkeys.ts'
import { vaultSigner } from '../crypto/vault-signing.ts'
import { AddressInvalidError, CairnError, PeerUnreachableError } from '../errors.ts'
import { BackupClient, peerIdOf } from '../protocols/backup/index.ts'
import { restoreIndexFromPeer } from '../vault/restore-index.ts'
import { DEFAULT_ATTEMPT_TIMEOUT_MS, DEFAULT_BLOCK_CONCURRENCY } from '../protocols/backup/constants.ts'
import { fetchAndPin, type FetchDagOptions } from '../protocols/backup/dag-fetch.ts'
import { keptPeerList, type ListedPeer } from '../protocols/backup/device/sealed-peer-list.ts'
import type { CairnHelia } from './create-node.ts'
import { allowWantsFrom } from './own-peer-wants.ts'
import type { Log } from '../log.ts'
import type { BackupMethods } from './node-handlers.ts'
import type { HandlerMap } from '../rpc/handlers.ts'
import type { VaultStatus } from '../rpc/api.ts'
import type { BackupPeers } from '../protocols/backup/device/backup-peers.ts'
import type { VaultService } from '../vault/vault-service.ts'
import type { Datastore } from 'interface-datastore'

export interface BackupHandlerComponents {
  vault: VaultService
  backups: BackupPeers
  helia: CairnHelia
  datastore: Datastore
  log: Log
  /** Fetches a block this device lacks and keeps it: over the batched exchange, bitswap behind it (ExchangeReads). */
  fetchBlock: NonNullable<FetchDagOptions['fetchBlock']>
}

function parseAddress (address: string): Multiaddr {
  try {
    return multiaddr(address.trim())
  } catch (err) {
    throw new AddressInvalidError(`That is not a peer address: ${address}`, { cause: err })
  }
}

/** Backup page and restore (issue 3): pair, list, verify, remove; restore a vault from a peer. */
export function createBackupHandlers (c: BackupHandlerComponents): Pick<HandlerMap, BackupMethods> {
  return {
    'backup.add': async ({ address, code }) => await c.backups.add(address, code),
    'backup.remove': async ({ peerId }) => { await c.backups.remove(peerId) },
    'backup.list': async () => c.backups.list(),
    'backup.verify': async ({ peerId }) => await c.backups.verify(peerId),
    'vault.restore': async ({ recoveryPhrase, peerAddress, newPassphrase }) => {
      if (c.vault.status().state !== 'none') throw new CairnError('VAULT_EXISTS', 'This browser already holds a vault')
      // Refuse what can be refused before touching the network.
      const strength = await checkPassphrase(newPassphrase)
      if (!strength.acceptable) throw new CairnError('WEAK_PASSPHRASE', `That passphrase is too weak: ${strength.reasons.join('; ')}`)
      const peer = parseAddress(peerAddress)
      const { status, others } = await restoreWithKey(c, decodeRecoveryPhrase(recoveryPhrase), peer, newPassphrase)
      // The peer answered the vault's signed request: it keeps this vault, so it needs no code.
      // So do the other peers of its sealed list: each was paired with this vault.
      await c.backups.adopt([{ peerId: peerIdOf(peer), address: peer.toString() }, ...others])
      prefetchContent(c)
      return status
    }
  }
}

/**
 * Fetches the vault's index and its sealed list of backup peers from `peer`
 * and opens the vault with `vaultKey` under a new passphrase. Owns
 * `vaultKey`: on success the open vault keeps it (and wipes it on lock); on
 * any failure it is overwritten before the error leaves, with every key
 * derived from it.
 */
export async function restoreWithKey (c: Pick<BackupHandlerComponents, 'vault' | 'helia' | 'datastore' | 'log'>, vaultKey: Uint8Array, peer: Multiaddr, newPassphrase: string): Promise<{ status: VaultStatus, others: ListedPeer[] }> {
  try {
    const signer = vaultSigner(vaultKey)
    const indexKey = deriveSubkey(vaultKey, 'index')
    const peerListKey = deriveSubkey(vaultKey, 'peers')
    let others: ListedPeer[] = []
    // Not paired yet: the peers restored from may hear this device's wants meanwhile (own-peer-wants.ts).
    const releases = [allowWantsFrom(c.helia, peerIdOf(peer))]
    try {
      try {
        await c.helia.libp2p.dial(peer, { signal: AbortSignal.timeout(15_000) })
      } catch (err) {
        throw new PeerUnreachableError(`Could not reach the backup peer at ${peer.toString()}`, { cause: err })
      }
      const client = new BackupClient({ libp2p: c.helia.libp2p }, { signer })
      others = await keptPeerList(client, peer, peerListKey, c.log)
      // Heads are compared across every listed peer that answers: one peer cannot roll the vault back (DESIGN §5).
      const more = others.filter(o => o.address !== peer.toString()).flatMap(o => { try { return [multiaddr(o.address)] } catch { return [] } })
      for (const o of others) releases.push(allowWantsFrom(c.helia, o.peerId))
      const blocks = await restoreIndexFromPeer({ networkBlockstore: c.helia.blockstore, datastore: c.datastore, client, log: c.log }, [peer, ...more], indexKey)
      c.log.info(`restore: fetched ${blocks} index blocks from ${1 + more.length} backup peer(s)`)
    } finally {
      for (const release of releases) release()
      indexKey.fill(0)
      peerListKey.fill(0)
      signer.wipe()
    }
    return { status: await c.vault.restore(vaultKey, newPassphrase), others }
  } catch (err) {
    vaultKey.fill(0)
    throw err
  }
}

/**
 * After a restore, bring every file's blocks home in the background so they
 * open offline later: the backup peer's own walk (dag-fetch.ts), a window of
 * blocks at a time over the batched exchange. (Helia's `pins.add` fetched one
 * block at a time over bitswap.)
 */
function prefetchContent (c: BackupHandlerComponents): void {
  void (async () => {
    const files = c.vault.files().list()
    for (const file of files) {
      try {
        await fetchAndPin(c.helia, CID.parse(file.cid), {
          // The node's life: nothing aborts it but a stall (the peer gone), and the next file is tried.
          signal: new AbortController().signal,
          blockConcurrency: DEFAULT_BLOCK_CONCURRENCY,
          stallMs: DEFAULT_ATTEMPT_TIMEOUT_MS,
          fetchBlock: c.fetchBlock
        })
      } catch (err) {
        c.log.warn(`restore: could not fetch a file yet (${(err as Error).message}); it downloads on demand`)
      }
    }
    c.log.info(`restore: ${files.length} files fetched from the backup peer`)
  })()
}
