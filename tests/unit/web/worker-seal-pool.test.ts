import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { dedupTagV2, dedupTagV2FromDigests } from '../../../core/crypto/dedup-tag-v2.ts'
import { generateFileKey } from '../../../core/crypto/stream-format.ts'
import { readDecrypted, RecordingBlockstore } from '../../../core/storage/encrypted-content.ts'
import { storeSealed } from '../../../core/storage/sealed-content.ts'
import { isCairnError } from '../../../core/errors.ts'
import { createWorkerSealPool } from '../../../sw/workers/worker-seal-pool.ts'
import { FakeSealWorker } from './fake-seal-worker.ts'
import { dagBlocks, randomBytes, readAll } from '../vault/share-test-support.ts'
import { openMemoryPackStore } from '../storage/memory-pack-store.ts'
import type { CID } from 'multiformats/cid'

const MiB = 1024 * 1024

describe('seal worker pool', () => {
  it('spreads a file\'s chunks over its workers and gets back the file, its leaves and its tag', async () => {
    const workers: FakeSealWorker[] = []
    const pool = createWorkerSealPool(3, () => { const w = new FakeSealWorker(); workers.push(w); return w })
    const plaintext = randomBytes(7 * MiB + 3)
    const fileKey = generateFileKey()
    const store = new MemoryBlockstore()
    const sealed = await storeSealed(new RecordingBlockstore(store), new Blob([plaintext]).stream(), { fileKey: fileKey.slice(), sealer: pool })
    assert.equal(workers.length, 3)
    const dedupKey = randomBytes(32)
    assert.deepEqual(dedupTagV2FromDigests(dedupKey, sealed.size, sealed.pieceDigests), await dedupTagV2(dedupKey, plaintext))
    assert.deepEqual(await readAll(readDecrypted(store, sealed.cid, fileKey.slice(), { plaintextLength: plaintext.length, sealer: pool })), plaintext)
    // Each worker's copy of the file key is wiped once its cipher is made.
    for (const w of workers) for (const key of w.keys) assert.ok(key.every(b => b === 0))
  })

  it('on lock the workers end and work in flight fails as VAULT_LOCKED; the next file starts fresh workers', async () => {
    const workers: FakeSealWorker[] = []
    const pool = createWorkerSealPool(2, () => { const w = new FakeSealWorker(); workers.push(w); return w })
    const upload = storeSealed(new RecordingBlockstore(new MemoryBlockstore()), new Blob([randomBytes(6 * MiB)]).stream(), { fileKey: generateFileKey(), sealer: pool })
    await new Promise(resolve => setImmediate(resolve))
    pool.wipe()
    await assert.rejects(upload, (err: unknown) => isCairnError(err, 'VAULT_LOCKED'))
    assert.ok(workers.every(w => w.terminated))
    const again = await storeSealed(new RecordingBlockstore(new MemoryBlockstore()), new Blob([randomBytes(MiB)]).stream(), { fileKey: generateFileKey(), sealer: pool })
    assert.equal(again.size, MiB)
    assert.equal(workers.length, 4)
  })

  it('a leaf just read from disk goes to the worker without a copy (back only if refused); any other bytes are copied', async () => {
    const pool = createWorkerSealPool(2, () => new FakeSealWorker())
    const fileKey = generateFileKey()
    const { store } = await openMemoryPackStore()
    const plaintext = randomBytes(3 * MiB + 5)
    const sealed = await storeSealed(new RecordingBlockstore(store), new Blob([plaintext]).stream(), { fileKey: fileKey.slice(), sealer: pool })
    const leaves = (await dagBlocks(store, sealed.cid)).slice(1)
    /** A block as the store hands it over (collect() would copy it). */
    const read = async (cid: CID): Promise<Uint8Array> => (await Array.fromAsync(store.get(cid)))[0] as Uint8Array
    const header = await read(leaves[0] as CID)
    const session = pool.open(fileKey, header)
    const fromDisk = await read(leaves[1] as CID)
    const copy = fromDisk.slice()
    const taken = await session.unseal(0, fromDisk, false)
    assert.equal(fromDisk.byteLength, 0, 'the buffer read from disk went to the worker (and stays there: nothing left to collect here)')
    assert.ok(Buffer.from(taken.plaintext ?? []).equals(plaintext.subarray(0, MiB)))
    // Not read from disk (a cache's, the network's): copied, left as it was.
    const kept = await session.unseal(0, copy, false)
    assert.equal(copy.byteLength, MiB + 16)
    assert.equal(kept.ciphertext, copy)
    assert.ok(Buffer.from(kept.plaintext ?? []).equals(plaintext.subarray(0, MiB)))
    // Read from disk but damaged: refused, with the bytes back to name the failure.
    const damaged = await read(leaves[2] as CID)
    damaged[7] = (damaged[7] as number) ^ 1
    const sent = damaged.slice()
    const refused = await session.unseal(1, damaged, false)
    assert.equal(refused.plaintext, undefined)
    assert.ok(Buffer.from(refused.ciphertext).equals(sent), 'a refused chunk comes back whole, to name the failure')
    session.close()
    // The whole read through the pack store and the pool: the file, byte for byte.
    assert.deepEqual(await readAll(readDecrypted(store, sealed.cid, fileKey.slice(), { plaintextLength: plaintext.length, sealer: pool })), plaintext)
    await store.stop()
  })
})
