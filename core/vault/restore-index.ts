import { Key, type Datastore } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { PeerUnreachableError } from '../errors.ts'
import { encodeHead } from '../index/chain.ts'
import { HEADS_PREFIX } from '../index/constants.ts'
import { decodeOpBlock } from '../index/op-block.ts'
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
 * Restore, first half (DESIGN §5): asks the backup peer for the vault's index
 * heads, pulls every op block of every device chain (decrypting each to find
 * the previous one, which only the vault key can), and records the heads so
 * the index log opens as if it had always been here. Returns the number of
 * op blocks fetched.
 */
export async function restoreIndexFromPeer (c: RestoreIndexComponents, peer: Multiaddr, indexKey: Uint8Array): Promise<number> {
  const heads = await c.client.heads(peer)
  let fetched = 0
  for (const [device, head] of Object.entries(heads)) {
    let cid: CID | null = CID.parse(head.cid)
    while (cid !== null) {
      const block = await decodeOpBlock(indexKey, cid, await fetchBlock(c.networkBlockstore, cid), device)
      fetched++
      cid = block.prev === null ? null : CID.parse(block.prev)
    }
    c.log.info(`fetched the index chain of device …${device.slice(-8)} (${head.seq} ops)`)
  }
  // Heads only once every chain is complete: a restore that fails half-way leaves no trace.
  for (const [device, head] of Object.entries(heads)) {
    await c.datastore.put(new Key(`${HEADS_PREFIX}/${device}`), encodeHead(device, { cid: CID.parse(head.cid), seq: head.seq }))
  }
  return fetched
}
