import { unixfs } from '@helia/unixfs'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'
import { generateFileKey } from '../../../core/crypto/stream-format.ts'
import { RecordingBlockstore } from '../../../core/storage/encrypted-content.ts'
import type { TagHasher } from '../../../core/vault/vault-files.ts'
import type { BenchStore } from './bench-stores.ts'
import type { ContentReply, ContentRequest, TagAlgorithm } from './proto-content-protocol.ts'
import { receivePieces, sendPieces } from './proto-piece-channel.ts'
import { windowedCat } from './proto-windowed-read.ts'

/**
 * PROTOTYPE (bench only) of a proposed change: encryption and decryption
 * leave the node worker's thread for the content worker; the node worker
 * keeps UnixFS and storage. Same format, same blocks, same CIDs as
 * core/storage/encrypted-content.ts (the bench checks it reads back).
 */

/** The importer settings of core/storage/encrypted-content.ts (not exported there). */
const CAIRN_IMPORT_OPTIONS = {
  cidVersion: 1 as const,
  rawLeaves: true,
  reduceSingleLeafToSelf: false,
  chunker: async function * (source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> { yield * source },
  blockWriteConcurrency: 8
}

type OkReply = Extract<ContentReply, { ok: true }>
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never

/** The content worker, started once and reused (as the app keeps its hash worker). */
export class ContentWorker {
  private readonly worker = new Worker(new URL('./proto-content-worker.ts', import.meta.url), { type: 'module', name: 'cairn-bench-content' })
  private readonly waiting = new Map<number, { resolve: (r: OkReply) => void, reject: (e: Error) => void }>()
  private nextId = 0

  constructor () {
    this.worker.onmessage = (ev: MessageEvent<ContentReply>) => {
      const reply = ev.data
      const entry = this.waiting.get(reply.id)
      this.waiting.delete(reply.id)
      if (reply.ok) entry?.resolve(reply)
      else entry?.reject(new Error(reply.message))
    }
  }

  async request (request: WithoutId<ContentRequest>, transfer: Transferable[]): Promise<OkReply> {
    const id = this.nextId++
    return await new Promise<OkReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      this.worker.postMessage({ ...request, id }, transfer)
    })
  }

  terminate (): void {
    this.worker.terminate()
  }
}

/** The two prototype workers: the first also serves as the chain's hash worker, the second as its cipher worker. */
export interface ProtoWorkers { first: ContentWorker, second: ContentWorker }

export function startProtoWorkers (): ProtoWorkers {
  return { first: new ContentWorker(), second: new ContentWorker() }
}

export interface OffloadedAdd { ms: number, cid: CID, fileKey: Uint8Array, tag?: Uint8Array }

/** Where an offloaded add gets its dedup tag: the content worker, the app's hash worker, or nowhere (what the tag costs). */
export type TagSource = { from: 'content' } | { from: 'hash-worker', hashTag: TagHasher } | { from: 'none' }

/**
 * Encrypted add with the cipher in the content worker. With the tag from the
 * content worker it reads the file once (two threads); from the app's hash
 * worker, three threads read it twice; with no tag, it shows what the tag
 * costs the add.
 */
export async function measureOffloadedAdd (file: Blob, store: BenchStore, content: ContentWorker, dedupKey: Uint8Array, tagSource: TagSource): Promise<OffloadedAdd> {
  const fileKey = generateFileKey()
  const { port1, port2 } = new MessageChannel()
  const start = performance.now()
  const tagFromHashWorker = tagSource.from === 'hash-worker' ? tagSource.hashTag(dedupKey, file) : undefined
  const encrypted = content.request({
    type: 'encrypt', file, fileKey: fileKey.slice(), port: port2, ...(tagSource.from === 'content' ? { dedupKey: dedupKey.slice() } : {})
  }, [port2])
  const fs = unixfs({ blockstore: new RecordingBlockstore(store.blockstore) as unknown as Blockstore })
  const cid = await fs.addByteStream(receivePieces(port1), CAIRN_IMPORT_OPTIONS)
  await store.flush()
  const reply = await encrypted
  const tag = tagFromHashWorker !== undefined ? await tagFromHashWorker : reply.tag
  const ms = performance.now() - start
  if (tag === undefined && tagSource.from !== 'none') throw new Error('no dedup tag came back')
  return { ms, cid, fileKey, ...(tag !== undefined ? { tag } : {}) }
}

/**
 * Encrypted add as a chain of three threads, the file read once: the hash
 * worker reads and tags it and transfers each plaintext piece to the cipher
 * worker, which transfers each ciphertext piece to this (node) worker, which
 * keeps only UnixFS and storage.
 */
export async function measureChainedAdd (file: Blob, store: BenchStore, hasher: ContentWorker, cipher: ContentWorker, dedupKey: Uint8Array, tag: TagAlgorithm = 'blake3'): Promise<OffloadedAdd> {
  const fileKey = generateFileKey()
  const plain = new MessageChannel()
  const sealed = new MessageChannel()
  const start = performance.now()
  const tagged = hasher.request({ type: 'tag-forward', file, dedupKey: dedupKey.slice(), out: plain.port1, tag }, [plain.port1])
  const encrypted = cipher.request({ type: 'encrypt-port', fileKey: fileKey.slice(), in: plain.port2, out: sealed.port1 }, [plain.port2, sealed.port1])
  const fs = unixfs({ blockstore: new RecordingBlockstore(store.blockstore) as unknown as Blockstore })
  const cid = await fs.addByteStream(receivePieces(sealed.port2), CAIRN_IMPORT_OPTIONS)
  await store.flush()
  const [reply] = await Promise.all([tagged, encrypted])
  const ms = performance.now() - start
  if (reply.tag === undefined) throw new Error('no dedup tag came back')
  return { ms, cid, fileKey, tag: reply.tag }
}

/**
 * Read with the decipher in the content worker: the node worker reads blocks
 * (in windows, see proto-windowed-read.ts) and hands the ciphertext over.
 */
export async function measureOffloadedRead (store: BenchStore, cid: CID, fileKey: Uint8Array, content: ContentWorker, size: number, hash: boolean): Promise<{ ms: number, blake3?: string }> {
  const { port1, port2 } = new MessageChannel()
  const start = performance.now()
  const decrypted = content.request({ type: 'decrypt', fileKey: fileKey.slice(), hash, port: port2 }, [port2])
  await sendPieces(port1, windowedCat(store.blockstore, cid))
  const reply = await decrypted
  const ms = performance.now() - start
  if (reply.bytes !== size) throw new Error(`decrypt worker gave ${reply.bytes ?? 0} bytes, expected ${size}`)
  return { ms, ...(reply.blake3 !== undefined ? { blake3: reply.blake3 } : {}) }
}
