import type { Datastore } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { PeerUnreachableError } from '../errors.ts'
import { headMacKey } from '../index/head-mac.ts'
import { storeBlocks, writeHead } from '../index/log-store.ts'
import { verifyRemoteRun } from '../index/merge-chain.ts'
import { pickHeads } from '../index/pick-heads.ts'
import { readWholeBlock } from '../storage/read-block.ts'
import type { BackupClient } from '../protocols/backup/index.ts'
import type { Log } from '../log.ts'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Blockstore } from 'interface-blockstore'

export interface RestoreIndexComponents {
  /** A blockstore that fetches what it lacks from connected peers (Helia's) and keeps it. */
  networkBlockstore: Blockstore
  datastore: Datastore
  client: BackupClient
  log: Log
}

/** How long one index block may take to arrive from the peer. */
const BLOCK_TIMEOUT_MS = 30_000

async function fetchBlock (blockstore: Blockstore, cid: CID): Promise<Uint8Array> {
  try {
    return await readWholeBlock(blockstore, cid, { signal: AbortSignal.timeout(BLOCK_TIMEOUT_MS) })
  } catch (err) {
    throw new PeerUnreachableError(`The backup peer did not send index block ${cid.toString()}`, { cause: err })
  }
}

/**
 * Restore, first half (DESIGN §5): asks the backup peers for the vault's
 * index heads, keeps for each device the highest head whose MAC checks
 * (pick-heads.ts: a peer that made up or altered a head is refused with
 * INDEX_HEAD_FORGED, one without MACs with INDEX_HEAD_UNAUTHENTICATED), pulls
 * and checks every op block of every chain (its seq against the head:
 * INDEX_HEAD_RESEQUENCED), and records the heads, MAC'd, so the index log
 * opens as if it had always been here. Peers that cannot be reached are
 * skipped while one answers. Returns the number of op blocks fetched.
 */
export async function restoreIndexFromPeer (c: RestoreIndexComponents, peers: Multiaddr | Multiaddr[], indexKey: Uint8Array): Promise<number> {
  const offers: Array<Record<string, unknown>> = []
  let unreachable: unknown
  for (const peer of Array.isArray(peers) ? peers : [peers]) {
    try {
      offers.push(await c.client.heads(peer))
    } catch (err) {
      unreachable ??= err
      c.log.warn(`restore: the backup peer at ${peer.toString()} did not send index heads`)
    }
  }
  if (offers.length === 0) throw unreachable
  const macKey = headMacKey(indexKey)
  try {
    const heads = pickHeads(macKey, offers)
    let fetched = 0
    for (const [device, signed] of heads) {
      const run = await verifyRemoteRun({
        blockstore: c.networkBlockstore,
        indexKey,
        macKey,
        device,
        signed,
        fetchBlock: async cid => await fetchBlock(c.networkBlockstore, cid)
      })
      fetched += run.cids.length
      await storeBlocks(c.networkBlockstore, run.held)
      c.log.info(`fetched the index chain of device …${device.slice(-8)} (${signed.seq} ops)`)
    }
    // Heads only once every chain is complete: a restore that fails half-way leaves no trace.
    for (const [device, signed] of heads) await writeHead(c.datastore, macKey, device, { cid: CID.parse(signed.cid), seq: signed.seq })
    return fetched
  } finally {
    macKey.fill(0)
  }
}
