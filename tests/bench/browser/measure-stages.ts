import { unixfs } from '@helia/unixfs'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { createDecryptStream, createEncryptStream, generateFileKey } from '../../../core/crypto/stream-format.ts'
import { drain } from './bench-context.ts'
import type { BenchStore } from './bench-stores.ts'

/**
 * Single stages of the encrypted add and read, measured alone so the
 * pipeline's figures can be explained (`stage.*`). Each returns ms.
 */

/** Bytes prepared once, outside any timing. */
export interface StageInputs {
  /** The file's ciphertext as the encryptor emits it (header, then one piece per chunk). */
  ciphertext: Uint8Array[]
  fileKey: Uint8Array
  /** The file's bytes in 1 MiB blocks with their raw-leaf CIDs. */
  blocks: Array<{ cid: CID, bytes: Uint8Array }>
  /** The whole file in memory. */
  bytes: Uint8Array<ArrayBuffer>
}

const BLOCK = 1024 * 1024

export async function prepareStageInputs (file: Blob): Promise<StageInputs> {
  const fileKey = generateFileKey()
  const ciphertext: Uint8Array[] = []
  for await (const piece of file.stream().pipeThrough(createEncryptStream({ key: fileKey }))) ciphertext.push(piece)
  const bytes = new Uint8Array(await file.arrayBuffer())
  const blocks: StageInputs['blocks'] = []
  for (let at = 0; at < bytes.length; at += BLOCK) {
    const block = bytes.subarray(at, at + BLOCK)
    blocks.push({ cid: CID.createV1(raw.code, await sha256.digest(block)), bytes: block })
  }
  return { ciphertext, fileKey, blocks, bytes }
}

function streamOf (pieces: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull (controller) {
      const piece = pieces[i++]
      if (piece === undefined) controller.close()
      else controller.enqueue(piece)
    }
  })
}

async function time (work: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await work()
  return performance.now() - start
}

/** `stage.read.file_stream`: reading the user's file, nothing else. */
export async function measureFileRead (file: Blob): Promise<number> {
  return await time(async () => await drain(file.stream()))
}

/** `stage.encrypt.file_stream`: file.stream() through the STREAM encryptor, output dropped. */
export async function measureEncrypt (file: Blob): Promise<number> {
  return await time(async () => await drain(file.stream().pipeThrough(createEncryptStream({ key: generateFileKey() }))))
}

/** `stage.decrypt.memory`: ciphertext already in memory through the STREAM decryptor. */
export async function measureDecrypt (inputs: StageInputs): Promise<number> {
  return await time(async () => await drain(streamOf(inputs.ciphertext).pipeThrough(createDecryptStream({ key: inputs.fileKey }))))
}

/**
 * `stage.unixfs.add_ciphertext.memory`: UnixFS import of ciphertext already in
 * memory, with the settings of core/storage/encrypted-content.ts (one raw leaf
 * per ciphertext chunk, CIDv1), into a memory store: the importer's own cost
 * (leaf SHA-256, DAG building) with no encryption and no storage.
 */
export async function measureUnixfsAddCiphertext (inputs: StageInputs, store: BenchStore): Promise<number> {
  const fs = unixfs({ blockstore: store.blockstore })
  const passThrough = async function * (source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> { yield * source }
  return await time(async () => await fs.addByteStream(streamOf(inputs.ciphertext), {
    cidVersion: 1, rawLeaves: true, reduceSingleLeafToSelf: false, chunker: passThrough, blockWriteConcurrency: 8
  }))
}

/** `stage.blockstore.put.pack`: 1 MiB blocks with known CIDs put one after another, then flushed. */
export async function measureBlockstorePut (inputs: StageInputs, store: BenchStore): Promise<number> {
  return await time(async () => {
    for (const { cid, bytes } of inputs.blocks) await store.blockstore.put(cid, bytes)
    await store.flush()
  })
}
