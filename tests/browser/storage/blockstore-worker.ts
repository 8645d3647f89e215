/**
 * Dedicated worker: runs the blockstore contract against the OPFS pack
 * blockstore, checks that blocks written before a page reload are still
 * there after it, and measures raw put/get throughput for the record.
 */
import type { Blockstore } from 'interface-blockstore'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { parseFileName } from '../../../core/storage/pack-format.ts'
import { INDEX_SLOTS } from '../../../core/storage/pack-index-file.ts'
import { createOpfsBlockstore, opfsDirectory } from '../../../sw/storage/opfs-blockstore.ts'
import { bytesEqual, equal } from '../../contract/assert.ts'
import { collectAll, collectBytes, makeBlock, pseudoRandomBytes } from '../../contract/block-fixtures.ts'
import { runBlockstoreContract, type BlockstoreFactory } from '../../contract/blockstore-contract.ts'
import { check, createHarness, type CaseResult, type SuiteReport } from './harness.ts'

const TEST_ROOT = ['cairn-tests', 'blockstore']

interface Opened { directory: FileSystemDirectoryHandle, name: string, maxPackSize: number | undefined }

function opfsFactory (parent: FileSystemDirectoryHandle): BlockstoreFactory {
  const opened = new WeakMap<Blockstore, Opened>()
  let counter = 0
  const openOn = async (entry: Opened): Promise<Blockstore> => {
    const store = await createOpfsBlockstore({ directory: entry.directory, maxPackSize: entry.maxPackSize })
    opened.set(store, entry)
    return store
  }
  const stop = async (store: Blockstore): Promise<Opened> => {
    const entry = opened.get(store)
    if (entry === undefined || !(store instanceof PackBlockstore)) throw new Error('not a store from this factory')
    await store.stop()
    return entry
  }
  return {
    open: async (options) => {
      const name = `store-${++counter}`
      const directory = await parent.getDirectoryHandle(name, { create: true })
      return openOn({ directory, name, maxPackSize: options?.maxPackSize })
    },
    reopen: async (store) => openOn(await stop(store)),
    tearTail: async (store, file, bytes) => {
      const entry = await stop(store)
      const kind = file === 'pack' ? 'pack' : 'jrnl'
      const names: string[] = []
      for await (const name of entry.directory.keys()) if (parseFileName(name)?.kind === kind) names.push(name)
      const newest = names.sort().at(-1)
      if (newest === undefined) throw new Error(`no ${kind} file to tear`)
      const handle = await (await entry.directory.getFileHandle(newest)).createSyncAccessHandle()
      handle.truncate(handle.getSize() - bytes)
      handle.flush()
      handle.close()
      for (const slot of INDEX_SLOTS) await entry.directory.removeEntry(slot).catch(() => {})
      return openOn(entry)
    },
    dispose: async (store) => {
      const entry = await stop(store)
      await parent.removeEntry(entry.name, { recursive: true })
    }
  }
}

/** Blocks in the default location must outlive the page: written on the first load, checked on the reload. */
async function reloadCheck (results: CaseResult[]): Promise<void> {
  const marker = await makeBlock(1024 * 1024 + 16, 4242)
  const store = await createOpfsBlockstore()
  try {
    if (!store.has(marker.cid)) {
      await check(results, 'first load: stores a block in the default OPFS location', async () => {
        await store.put(marker.cid, marker.bytes)
        await store.flush()
      })
    } else {
      await check(results, 'after reload: the block stored before the reload reads back', async () => {
        bytesEqual(await collectBytes(store.get(marker.cid)), marker.bytes, 'block from before the reload')
        equal(store.stats().blocks, 1, 'blocks in the default store')
      })
      await store.delete(marker.cid)
    }
  } finally {
    await store.stop()
  }
}

const BENCH_BLOCKS = 128
const BENCH_ROUNDS = 3

/** One round: the pack blockstore, then the same bytes through one raw sync access handle (the ceiling). */
async function benchRound (parent: FileSystemDirectoryHandle, round: number, payload: Uint8Array): Promise<number[]> {
  const directory = await parent.getDirectoryHandle(`bench-${round}`, { create: true })
  // CIDs made up front and unrelated to the bytes: only the store is timed, so its hash check on read is off.
  const store = await createOpfsBlockstore({ directory, verifyReads: false })
  const blocks = await Promise.all(Array.from({ length: BENCH_BLOCKS }, async (_, i) => ({ cid: (await makeBlock(16, round * 1000 + i)).cid, bytes: payload })))
  let started = performance.now()
  await collectAll(store.putMany(blocks))
  const put = performance.now() - started
  started = performance.now()
  for (const block of blocks) await collectBytes(store.get(block.cid))
  const get = performance.now() - started
  await store.stop()

  const raw = await (await directory.getFileHandle('raw', { create: true })).createSyncAccessHandle()
  started = performance.now()
  for (let i = 0; i < BENCH_BLOCKS; i++) raw.write(payload, { at: i * payload.length })
  raw.flush()
  const rawPut = performance.now() - started
  started = performance.now()
  for (let i = 0; i < BENCH_BLOCKS; i++) raw.read(new Uint8Array(payload.length), { at: i * payload.length })
  const rawGet = performance.now() - started
  raw.close()
  await parent.removeEntry(`bench-${round}`, { recursive: true })
  return [put, get, rawPut, rawGet]
}

/** Store throughput with 1 MiB blocks next to raw OPFS, medians of a few rounds (noted, never asserted). */
async function measure (parent: FileSystemDirectoryHandle, notes: string[]): Promise<void> {
  const payload = pseudoRandomBytes(1024 * 1024, 7)
  const rounds: number[][] = []
  for (let round = 0; round < BENCH_ROUNDS; round++) rounds.push(await benchRound(parent, round, payload))
  const median = (i: number): number => rounds.map((r) => r[i] as number).sort((a, b) => a - b)[Math.floor(BENCH_ROUNDS / 2)] as number
  const [put, get, rawPut, rawGet] = [median(0), median(1), median(2), median(3)]
  const rate = (ms: number): string => `${((BENCH_BLOCKS * payload.length / 1e6) / (ms / 1000)).toFixed(0)} MB/s`
  notes.push(`OPFS, ${BENCH_BLOCKS} × 1 MiB blocks, median of ${BENCH_ROUNDS}: pack blockstore putMany+flush ${rate(put)}, get ${rate(get)}; ` +
    `raw sync handle write+flush ${rate(rawPut)}, read ${rate(rawGet)}; store/raw ${(rawPut / put).toFixed(2)} (put), ${(rawGet / get).toFixed(2)} (get)`)
}

async function main (): Promise<SuiteReport> {
  const notes: string[] = []
  const root = await navigator.storage.getDirectory()
  await root.removeEntry(TEST_ROOT[0] as string, { recursive: true }).catch(() => {})
  const parent = await opfsDirectory(TEST_ROOT)
  const { harness, run } = createHarness()
  runBlockstoreContract('PackBlockstore on OPFS sync access handles', opfsFactory(parent), harness)
  const results = await run()
  await check(results, 'measures throughput', async () => { await measure(parent, notes) })
  await reloadCheck(results)
  await root.removeEntry(TEST_ROOT[0] as string, { recursive: true })
  return { suite: 'blockstore', results, notes }
}

main().then(
  (report) => { postMessage(report) },
  (err: unknown) => { postMessage({ suite: 'blockstore', results: [{ name: 'worker setup', ok: false, error: String(err), ms: 0 }], notes: [] }) }
)
