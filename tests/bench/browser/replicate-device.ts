import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { MemoryDatastore } from 'datastore-core'
import { vaultSigner } from '../../../core/crypto/vault-signing.ts'
import { createNode, type CairnHelia, type NodeComponents } from '../../../core/node/create-node.ts'
import { BackupClient } from '../../../core/protocols/backup/backup-client.ts'
import { fetchAndPin } from '../../../core/protocols/backup/dag-fetch.ts'
import { BlockServer } from '../../../core/protocols/blocks/block-server.ts'
import { ExchangeReads } from '../../../core/protocols/blocks/exchange-reads.ts'
import type { HashPieces } from '../../../core/protocols/blocks/fetched-block.ts'
import { RecordingBlockstore, storeEncrypted } from '../../../core/storage/encrypted-content.ts'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/**
 * The replication measurement, shared by the browser's bench worker and
 * run.ts's Node device (no DOM or Node APIs here): a device node stores an
 * encrypted file, sends the peer a manifest pinning it over the real
 * `/cairn/backup/1` path, and waits until the peer holds the whole DAG.
 */

/** Where the bench's backup peer is; made by run.ts, handed to the worker. */
export interface ReplicationTargets {
  /** The peer's WebSocket address, `/ip4/127.0.0.1/tcp/N/ws/p2p/<peer>`. */
  direct: string
  /** The same peer reached only through the relay: `<relay ws>/p2p-circuit/p2p/<peer>`. */
  relay: string
  /** The peer's one-time pairing code (the vault is paired by whoever uses it first). */
  pairingCode: string
  /** The vault key (bytes) every bench device shares: one vault, many devices. */
  vaultKey: number[]
}

export type ReplicationPath = 'direct' | 'relay'

/** A started device node with the vault's backup client. */
export interface BenchDevice {
  helia: CairnHelia
  /** Its own store (under Helia's networked one). */
  blockstore: Blockstore
  client: BackupClient
  /** The batched block exchange this device serves (as every app device does), absent for an older device. */
  blocks?: BlockServer
  /** Peers the exchange serves: the backup peer, once {@link connectDevice} paired it (the app's own-peer rule). */
  ours: Set<string>
  stop: () => Promise<void>
}

/** How often the peer is asked whether it holds the root yet: adds ≤ this much to a multi-second transfer. */
const POLL_MS = 50
const TIMEOUT_MS = 180_000

/**
 * A device as the app makes one: createNode with WebSockets, listening on
 * nothing (so the peer can reach it only on the connection the device dials,
 * which keeps a relayed path relayed), serving the batched block exchange
 * to its backup peer as `startVaultNode` does (issue 12).
 */
export async function startBenchDevice (blockstore: Blockstore, transport: NodeComponents['transports'][number], vaultKey: number[], makeNode = createNode, serveBlocks = true): Promise<BenchDevice> {
  const helia = makeNode({ allowPrivateAddresses: true, agentName: 'cairn-bench' }, { blockstore, datastore: new MemoryDatastore(), transports: [transport] })
  await helia.start()
  const client = new BackupClient({ libp2p: helia.libp2p }, { signer: vaultSigner(Uint8Array.from(vaultKey)), timeoutMs: 60_000 })
  const ours = new Set<string>()
  // `serveBlocks` false: a device from before the exchange (the peer fetches over bitswap).
  const blocks = serveBlocks ? new BlockServer({ libp2p: helia.libp2p, store: blockstore as ConstructorParameters<typeof BlockServer>[0]['store'], mayServe: (peer) => ours.has(peer) }) : undefined
  await blocks?.start()
  return { helia, blockstore, client, ours, ...(blocks !== undefined ? { blocks } : {}), stop: async () => { await blocks?.stop(); await helia.stop() } }
}

/** `size` random bytes as a stream, made piece by piece (`getRandomValues` gives 64 KiB at most). */
export function randomStream (size: number): ReadableStream<Uint8Array> {
  let sent = 0
  return new ReadableStream<Uint8Array>({
    pull (controller) {
      const piece = Math.min(1024 * 1024, size - sent)
      if (piece <= 0) { controller.close(); return }
      const bytes = new Uint8Array(piece)
      for (let off = 0; off < piece; off += 65536) globalThis.crypto.getRandomValues(bytes.subarray(off, Math.min(piece, off + 65536)))
      sent += piece
      controller.enqueue(bytes)
    }
  })
}

/** Encrypts `plaintext` into `blockstore` as the vault does, with a fresh file key (so every repetition is new content). */
export async function storeFileWithKey (blockstore: Blockstore, plaintext: ReadableStream<Uint8Array>): Promise<{ root: CID, fileKey: Uint8Array }> {
  const fileKey = globalThis.crypto.getRandomValues(new Uint8Array(32))
  return { root: await storeEncrypted(new RecordingBlockstore(blockstore), plaintext, { fileKey }), fileKey }
}

/** Pairs (untimed; a vault paired before needs no valid code) and checks the connection is the path asked for. */
export async function connectDevice (device: BenchDevice, targets: ReplicationTargets, path: ReplicationPath): Promise<Multiaddr> {
  const address = multiaddr(targets[path])
  await device.client.pair(address, targets.pairingCode)
  const peerId = address.getComponents().findLast((c) => c.name === 'p2p')?.value
  if (peerId !== undefined) device.ours.add(peerId)
  const connections = device.helia.libp2p.getConnections().filter((c) => c.remotePeer.toString() === peerId)
  const relayed = connections.map((c) => c.remoteAddr.toString().includes('/p2p-circuit'))
  if (connections.length !== 1 || relayed[0] !== (path === 'relay')) {
    throw new Error(`expected one ${path} connection to the peer, found: ${connections.map((c) => c.remoteAddr.toString()).join(', ')}`)
  }
  return address
}

/**
 * Times replication of `root`: from sending the manifest until the peer
 * answers that it holds the root completely (its `holds` is true only once
 * every block is fetched and the pin written). Returns ms.
 */
export async function timeReplication (device: BenchDevice, address: Multiaddr, root: CID, seq: number, shared = false): Promise<number> {
  const cid = root.toString()
  const start = performance.now()
  // `shared`: the root is also a live share copy, which the peer serves to anyone (the share figures' recipient has no vault).
  await device.client.sendManifest(address, { device: device.helia.libp2p.peerId.toString(), seq, pin: [cid], unpin: [], ...(shared ? { shares: [cid] } : {}) })
  while (!(await device.client.holds(address, [cid])).has(cid)) {
    if (performance.now() - start > TIMEOUT_MS) {
      const status = await device.client.status(address)
      throw new Error(`the peer did not pin ${cid} within ${TIMEOUT_MS / 1000} s: ${JSON.stringify(status)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  return performance.now() - start
}

/**
 * Times a restore: a fresh device that has none of the DAG fetches all of it
 * from the peer with the same walk the peer uses to replicate (`fetchAndPin`,
 * `blockConcurrency` blocks at a time): over the batched block exchange
 * first, bitswap behind it, as the app's reads do (exchange-reads.ts), or
 * (`exchange` false) over bitswap alone, as before issue 12's restore work.
 * With `hashPieces` fetched blocks are checked and stored in the pieces they
 * arrived in, as the app's nodes do; without it, joined and hashed whole.
 * Returns ms, DAG bytes and the blocks that came over the exchange.
 */
export async function timeRestore (device: BenchDevice, root: CID, blockConcurrency: number, exchange = true, hashPieces?: HashPieces): Promise<{ ms: number, bytes: number, viaExchange: number }> {
  const libp2p = device.helia.libp2p
  const reads = exchange ? new ExchangeReads({ libp2p, local: device.blockstore, network: device.helia.blockstore, sources: () => libp2p.getConnections().map((c) => c.remotePeer).filter((peer) => device.ours.has(peer.toString())), ...(hashPieces !== undefined ? { hashPieces } : {}) }) : undefined
  const start = performance.now()
  try {
    const bytes = await fetchAndPin(device.helia, root, {
      signal: AbortSignal.timeout(TIMEOUT_MS),
      blockConcurrency,
      stallMs: 30_000,
      ...(reads !== undefined ? { fetchBlock: async (cid: CID, signal: AbortSignal) => await reads.fetchPieces(cid, signal) } : {})
    })
    return { ms: performance.now() - start, bytes, viaExchange: reads?.stats.viaExchange ?? 0 }
  } finally {
    reads?.stop()
  }
}
