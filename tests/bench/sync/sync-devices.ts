import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { CID } from 'multiformats/cid'
import * as dagPb from '@ipld/dag-pb'
import { sha256 } from 'multiformats/hashes/sha2'
import { toBase64 } from '../../../core/crypto/base64.ts'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { newFileId, type FileEntry, type PartialOp } from '../../../core/index/ops.ts'
import { answerSync, deriveSyncKey, SYNC_PROTOCOL, syncWith, type SyncSummary } from '../../../core/protocols/sync/index.ts'
import { startNode, type TestNode } from '../../unit/backup/helpers.ts'
import type { Connection, Stream } from '@libp2p/interface'

/**
 * Devices of one vault for the sync figures: a real libp2p node (createNode,
 * WebSockets on 127.0.0.1, as the unit tests start them in Node) and the
 * device's own IndexLog on empty memory stores, with `/cairn/sync/1`
 * answered by `answerSync` and opened by `syncWith`, the core's session.
 */

export interface SyncDevice {
  node: TestNode
  log: IndexLog
  /** The PeerId string, which is also the device id in the index. */
  id: string
  /** Summaries of the sessions this device answered, newest last. */
  answered: Array<Promise<SyncSummary>>
  stop: () => Promise<void>
}

/** A vault: its key and the keys every device derives from it. */
export interface BenchVault {
  vaultKey: Uint8Array
  /** `deriveSubkey(vaultKey, 'index')`: a fresh copy each call (an IndexLog wipes the one it is given). */
  indexKey: () => Uint8Array
  /** `deriveSyncKey(indexKey)`, the hello's key. */
  syncKey: Uint8Array
}

export function newVault (): BenchVault {
  const vaultKey = globalThis.crypto.getRandomValues(new Uint8Array(32))
  const indexKey = (): Uint8Array => deriveSubkey(vaultKey, 'index')
  return { vaultKey, indexKey, syncKey: deriveSyncKey(indexKey()) }
}

/** A started device: node, empty stores, started index, answering sync. */
export async function startSyncDevice (vault: BenchVault): Promise<SyncDevice> {
  const node = await startNode()
  const id = node.helia.libp2p.peerId.toString()
  const log = new IndexLog({ blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }, { indexKey: vault.indexKey(), deviceId: id })
  await log.start()
  const answered: Array<Promise<SyncSummary>> = []
  await node.helia.libp2p.handle(SYNC_PROTOCOL, (stream: Stream, connection: Connection) => {
    const summary = answerSync(stream, connection.remotePeer.toString(), { index: log, syncKey: vault.syncKey, localPeer: id })
    summary.catch((err: unknown) => { console.error(`! a sync session answered by …${id.slice(-8)} failed: ${(err as Error).message}`) })
    answered.push(summary)
  })
  return {
    node,
    log,
    id,
    answered,
    stop: async () => {
      await log.stop()
      await node.helia.stop()
    }
  }
}

/** The first listen address of a device (with /p2p/<id>). */
export function addressOf (device: SyncDevice): ReturnType<TestNode['helia']['libp2p']['getMultiaddrs']>[number] {
  const address = device.node.helia.libp2p.getMultiaddrs()[0]
  if (address === undefined) throw new Error('the device listens nowhere')
  return address
}

/**
 * One `/cairn/sync/1` session opened by `from` to `to`: dials `to`'s address
 * the first time, later reuses the open connection (libp2p does). Resolves
 * when `from` has merged; `to` merges in its own handler.
 */
export async function syncOnce (from: SyncDevice, to: SyncDevice, vault: BenchVault): Promise<SyncSummary> {
  const stream = await from.node.helia.libp2p.dialProtocol(addressOf(to), SYNC_PROTOCOL)
  return await syncWith(stream, to.id, { index: from.log, syncKey: vault.syncKey, localPeer: from.id })
}

const TYPES = ['image/jpeg', 'image/heic', 'application/pdf', 'video/mp4', 'text/plain', '']

/**
 * A put as `VaultFiles.add` writes it: a random file id, an entry whose
 * CID is a CIDv1 dag-pb root (what `storeEncrypted` gives a multi-block
 * file), a random 32-byte tag and file key, a size, mtime and MIME type.
 */
export async function realisticPut (i: number): Promise<PartialOp> {
  const random = globalThis.crypto.getRandomValues(new Uint8Array(96))
  const cid = CID.createV1(dagPb.code, await sha256.digest(random.subarray(0, 32)))
  const entry: FileEntry = {
    cid: cid.toString(),
    size: 50_000 + ((i * 7919) % 5_000_000),
    mtime: 1_700_000_000_000 + i * 60_000,
    tag: toBase64(random.subarray(32, 64)),
    fk: toBase64(random.subarray(64, 96)),
    type: TYPES[i % TYPES.length] as string
  }
  const folder = `Photos/${2015 + (i % 10)}/${String(1 + (i % 12)).padStart(2, '0')}`
  return { kind: 'put', fileId: newFileId(), path: `${folder}/IMG_${String(i).padStart(5, '0')}.jpg`, entry }
}

/**
 * Appends `count` puts to `log` in appends of `perBlock` ops each (one
 * append = one sealed op block): 1 is what a device that uploaded the files
 * one by one holds (VaultFiles puts each file on its own).
 */
export async function fillIndex (log: IndexLog, count: number, perBlock: number): Promise<void> {
  for (let i = 0; i < count; i += perBlock) {
    const ops: PartialOp[] = []
    for (let j = i; j < Math.min(count, i + perBlock); j++) ops.push(await realisticPut(j))
    await log.append(ops)
  }
}
