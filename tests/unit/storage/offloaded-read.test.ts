import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { unixfs } from '@helia/unixfs'
import { MemoryBlockstore } from 'blockstore-core'
import { createEncryptStream, generateFileKey } from '../../../core/crypto/stream-format.ts'
import { createInThreadSealer, type ChunkSealer } from '../../../core/storage/chunk-sealer.ts'
import { IMPORT_OPTIONS, readDecrypted } from '../../../core/storage/encrypted-content.ts'
import { randomBytes, readAll } from '../vault/share-test-support.ts'
import { createWorkerSealPool } from '../../../sw/workers/worker-seal-pool.ts'
import { FakeSealWorker } from '../web/fake-seal-worker.ts'
import { openMemoryPackStore } from './memory-pack-store.ts'

const MiB = 1024 * 1024

/**
 * A sealer as the worker pool is: it sends a copy away (transferred, so that
 * copy is detached) and answers late and out of order. The same block read
 * twice (one CID) is one buffer in a memory store: taking it would hide it.
 */
function transferringSealer (): ChunkSealer {
  const inner = createInThreadSealer(4)
  return {
    width: 4,
    open (fileKey, header) {
      const session = inner.open(fileKey, header)
      return {
        ...session,
        unseal: async (index, ciphertext, last) => {
          const copy = ciphertext.slice()
          const taken = structuredClone(copy, { transfer: [copy.buffer] })
          for (let i = 0; i < (index % 3) * 5; i++) await new Promise(resolve => setImmediate(resolve))
          const { plaintext } = await session.unseal(index, taken, last)
          return plaintext === undefined ? { ciphertext } : { plaintext, ciphertext }
        }
      }
    }
  }
}

/** The outcome of reading: the plaintext, or the failure's code. */
async function outcome (pieces: Uint8Array[], fileKey: Uint8Array, sealer: ChunkSealer | undefined, plaintextLength?: number, storeKind: 'memory' | 'pack' = 'memory'): Promise<string> {
  // The pack store hands out buffers read for one reader alone, which the pool transfers instead of copying.
  const pack = storeKind === 'pack' ? (await openMemoryPackStore()).store : undefined
  const store = pack ?? new MemoryBlockstore()
  const cid = await unixfs({ blockstore: store }).addByteStream((async function * () { for (const p of pieces) yield p.slice() })(), IMPORT_OPTIONS)
  try {
    const bytes = await readAll(readDecrypted(store, cid, fileKey.slice(), { ...(plaintextLength !== undefined ? { plaintextLength } : {}), ...(sealer !== undefined ? { sealer } : {}) }))
    return `ok ${bytes.length} ${Buffer.from(bytes).subarray(0, 8).toString('hex')}`
  } catch (err) {
    return `failed ${String((err as { code?: unknown }).code)}`
  } finally {
    await pack?.stop()
  }
}

describe('reading with the chunks decrypted by a sealer (the seal workers)', () => {
  it('gives the same plaintext, and refuses tampering, reordering, cut-off and trailing chunks exactly as on this thread', async () => {
    const fileKey = generateFileKey()
    const plaintext = randomBytes(6 * MiB + 99)
    const pieces: Uint8Array[] = []
    for await (const p of new Blob([plaintext]).stream().pipeThrough(createEncryptStream({ key: fileKey })) as unknown as AsyncIterable<Uint8Array>) pieces.push(p)
    const [header, ...chunks] = pieces as [Uint8Array, ...Uint8Array[]]
    const flipped = chunks.map(c => c.slice())
    flipped[2]?.set([((flipped[2]?.[9]) ?? 0) ^ 1], 9)
    const variants: Record<string, Uint8Array[]> = {
      intact: pieces,
      flipped: [header, ...flipped],
      swapped: [header, chunks[0] as Uint8Array, chunks[2] as Uint8Array, chunks[1] as Uint8Array, ...chunks.slice(3)],
      'final dropped': [header, ...chunks.slice(0, -1)],
      'chunk dropped': [header, ...chunks.slice(0, 3), ...chunks.slice(4)],
      'final twice': [...pieces, chunks.at(-1) as Uint8Array],
      'trailing bytes': [...pieces, randomBytes(500)],
      'a whole chunk after the final': [...pieces, chunks[0] as Uint8Array]
    }
    const pool = createWorkerSealPool(2, () => new FakeSealWorker())
    for (const [name, variant] of Object.entries(variants)) {
      for (const length of [undefined, plaintext.length]) {
        const here = await outcome(variant, fileKey, undefined, length)
        assert.equal(await outcome(variant, fileKey, transferringSealer(), length), here, `${name}, length ${String(length)}`)
        assert.equal(await outcome(variant, fileKey, createInThreadSealer(), length), here, `${name}, length ${String(length)}`)
        assert.equal(await outcome(variant, fileKey, pool, length, 'pack'), here, `${name}, length ${String(length)}, seal worker pool over the pack store`)
        if (name === 'intact') assert.match(here, /^ok /)
        else assert.match(here, /^failed [A-Z_]+$/, name)
      }
    }
  })
})
