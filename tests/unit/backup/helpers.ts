import { webSockets } from '@libp2p/websockets'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { vaultSigner, type VaultSigner } from '../../../core/crypto/vault-signing.ts'
import { toBase64 } from '../../../core/crypto/base64.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { createNode, type CairnHelia } from '../../../core/node/create-node.ts'
import { BackupClient } from '../../../core/protocols/backup/backup-client.ts'
import { BackupService, type BackupServiceInit } from '../../../core/protocols/backup/backup-service.ts'
import { BACKUP_PROTOCOL } from '../../../core/protocols/backup/constants.ts'
import { sha256Pieces } from '../../../relay-server/shared/sha256-pieces.ts'
import type { HashPieces } from '../../../core/protocols/blocks/fetched-block.ts'
import { jsonStream, readJson, writeJson } from '../../../core/protocols/backup/wire.ts'
import { RecordingBlockstore, storeEncrypted } from '../../../core/storage/encrypted-content.ts'
import type { Log } from '../../../core/log.ts'
import type { AbortOptions } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'
import type { CID } from 'multiformats/cid'

/** Shared set-up for the backup tests (not a test file itself). */

export interface TestNode {
  helia: CairnHelia
  blockstore: Blockstore
  datastore: Datastore
}

/** A started Helia node listening on a free loopback WebSocket port. */
export async function startNode (blockstore: Blockstore = new MemoryBlockstore(), datastore: Datastore = new MemoryDatastore(), listen = '/ip4/127.0.0.1/tcp/0/ws'): Promise<TestNode> {
  const helia = createNode({ listen: [listen], allowPrivateAddresses: true, agentName: 'cairn-test' }, { blockstore, datastore, transports: [webSockets()] })
  await helia.start()
  return { helia, blockstore, datastore }
}

/** A log that keeps its lines, to assert on what was logged. */
export class MemoryLog implements Log {
  readonly lines: Array<{ level: string, message: string }> = []
  debug = (message: string): void => { this.lines.push({ level: 'debug', message }) }
  info = (message: string): void => { this.lines.push({ level: 'info', message }) }
  warn = (message: string): void => { this.lines.push({ level: 'warn', message }) }
  error = (message: string): void => { this.lines.push({ level: 'error', message }) }
  has (level: string, pattern: RegExp): boolean {
    return this.lines.some(line => line.level === level && pattern.test(line.message))
  }
}

export interface TestPeer extends TestNode {
  service: BackupService
  log: MemoryLog
}

/** A backup peer: a node plus a started BackupService on the node's own datastore (on `listen`, e.g. the port it had before a restart). */
/** `hashPieces`: the shipped peer's (Node's hasher, blocks stored as they arrived); undefined joins each block first, as a browser does. */
export async function startPeer (init: BackupServiceInit = {}, stores?: { blockstore: Blockstore, datastore: Datastore }, listen?: string, hashPieces: HashPieces | undefined = sha256Pieces): Promise<TestPeer> {
  const node = await startNode(stores?.blockstore, stores?.datastore, listen)
  const log = new MemoryLog()
  const service = new BackupService({ helia: node.helia, datastore: node.datastore, log, ...(hashPieces !== undefined ? { hashPieces } : {}) }, { retryBaseMs: 50, retryMaxMs: 500, attemptTimeoutMs: 5_000, ...init })
  await service.start()
  return { ...node, service, log }
}

export async function stopPeer (peer: TestPeer): Promise<void> {
  await peer.service.stop()
  await peer.helia.stop()
}

export interface TestDevice extends TestNode {
  signer: VaultSigner
  client: BackupClient
  vaultKey: Uint8Array
}

/** A device of a vault: a node, the vault signing key and a client. */
export async function startDevice (vaultKey: Uint8Array = globalThis.crypto.getRandomValues(new Uint8Array(32)), blockstore?: Blockstore): Promise<TestDevice> {
  const node = await startNode(blockstore)
  const signer = vaultSigner(vaultKey)
  return { ...node, signer, vaultKey, client: new BackupClient({ libp2p: node.helia.libp2p }, { signer, timeoutMs: 10_000 }) }
}

/** The peer's first listen address (with /p2p/<id>). */
export function addressOf (node: TestNode): ReturnType<CairnHelia['libp2p']['getMultiaddrs']>[number] {
  const address = node.helia.libp2p.getMultiaddrs()[0]
  if (address === undefined) throw new Error('the node listens nowhere')
  return address
}

/** `size` random bytes, made in 64 KiB pieces (getRandomValues' limit). */
export function randomBytes (size: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let off = 0; off < size; off += 65536) globalThis.crypto.getRandomValues(out.subarray(off, Math.min(size, off + 65536)))
  return out
}

export interface StoredFile {
  root: CID
  /** Every block of the file's DAG. */
  blocks: CID[]
  /** Total bytes of those blocks. */
  bytes: number
  /** Size of each block, by CID string. */
  sizes: Map<string, number>
}

/** Encrypts `size` random bytes into `blockstore` as a UnixFS file, as the vault does. */
export async function storeRandomFile (blockstore: Blockstore, size: number): Promise<StoredFile> {
  const recording = new RecordingBlockstore(blockstore)
  const data = randomBytes(size)
  const plaintext = new ReadableStream<Uint8Array>({ start (c) { c.enqueue(data); c.close() } })
  const root = await storeEncrypted(recording, plaintext, { fileKey: randomBytes(32) })
  let bytes = 0
  const sizes = new Map<string, number>()
  for (const cid of recording.written) {
    const size = await blockSize(blockstore, cid)
    sizes.set(cid.toString(), size)
    bytes += size
  }
  return { root, blocks: recording.written.slice(), bytes, sizes }
}

/** A whole block (stores may hand it back in pieces). */
export async function readBlock (blockstore: Blockstore, cid: CID): Promise<Uint8Array> {
  const pieces: Uint8Array[] = []
  for await (const piece of blockstore.get(cid)) pieces.push(piece)
  return Buffer.concat(pieces)
}

export async function blockSize (blockstore: Blockstore, cid: CID): Promise<number> {
  return (await readBlock(blockstore, cid)).byteLength
}

/** An index log on the device's stores with one entry for `file`; returns its op-block CIDs and heads. */
export async function indexWith (device: TestDevice, file: StoredFile, path = 'a.bin'): Promise<{ blocks: string[], heads: Record<string, { cid: string, seq: number, mac: string }> }> {
  const log = new IndexLog({ blockstore: device.blockstore, datastore: device.datastore }, { indexKey: deriveSubkey(device.vaultKey, 'index'), deviceId: device.helia.libp2p.peerId.toString() })
  await log.start()
  await log.put({ cid: file.root.toString(), size: 1, mtime: 0, tag: toBase64(randomBytes(32)), fk: toBase64(randomBytes(32)), type: '' }, path)
  // With their MACs, as a device sends them (the peer keeps them as sent).
  const heads = log.signedHeads()
  const blocks = log.blockCids()
  await log.stop()
  return { blocks, heads }
}

export { waitFor } from '../support/polling.ts'

/** Sends any JSON as a backup request and returns the peer's answer (for malformed or forged requests). */
export async function sendRaw (from: TestNode, to: TestNode, message: unknown, rawBytes?: Uint8Array): Promise<unknown> {
  const stream = await from.helia.libp2p.dialProtocol(addressOf(to), BACKUP_PROTOCOL)
  const lp = jsonStream(stream, 8 * 1024 * 1024)
  const reply = readJson(lp)
  reply.catch(() => {})
  const write = rawBytes !== undefined ? lp.write(rawBytes) : writeJson(lp, message)
  await write.catch(() => {})
  const answer = await reply
  await stream.close().catch(() => {})
  return answer
}

/** A block's identity whatever codec its CID names (a memory blockstore keys by multihash only). */
export function mh (cid: CID): string {
  return Buffer.from(cid.multihash.bytes).toString('hex')
}

/** Multihashes of the blocks a blockstore holds, and how many entries it has. */
export async function heldBlocks (blockstore: Blockstore): Promise<{ set: Set<string>, count: number }> {
  const set = new Set<string>()
  let count = 0
  for await (const { cid } of blockstore.getAll()) { set.add(mh(cid)); count++ }
  return { set, count }
}

/** A device store whose chosen blocks are not handed out until `release()`: replication stalls half way. */
export class GatedBlockstore extends MemoryBlockstore {
  readonly gated = new Set<string>()
  private open!: () => void
  private readonly opened = new Promise<void>(resolve => { this.open = resolve })

  release (): void { this.open() }

  override async * get (cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    if (this.gated.has(cid.toString())) await this.opened
    yield * super.get(cid, options)
  }
}
