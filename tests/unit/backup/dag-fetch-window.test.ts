import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { DEFAULT_BLOCK_CONCURRENCY } from '../../../core/protocols/backup/constants.ts'
import { fetchAndPin, RAW_CODE } from '../../../core/protocols/backup/dag-fetch.ts'
import type { DagStore } from '../../../core/protocols/backup/node-parts.ts'

/** A DAG: one dag-pb root linking `leaves` raw blocks of `leafBytes` each. */
async function makeDag (leaves: number, leafBytes: number): Promise<{ root: CID, blocks: Map<string, Uint8Array> }> {
  const blocks = new Map<string, Uint8Array>()
  const links: dagPb.PBLink[] = []
  for (let i = 0; i < leaves; i++) {
    const bytes = new Uint8Array(leafBytes).fill(i & 0xff)
    bytes[0] = i >> 8
    const cid = CID.createV1(RAW_CODE, await sha256.digest(bytes))
    blocks.set(cid.toString(), bytes)
    links.push({ Hash: cid, Tsize: leafBytes })
  }
  const rootBytes = dagPb.encode({ Links: links })
  const root = CID.createV1(dagPb.code, await sha256.digest(rootBytes))
  blocks.set(root.toString(), rootBytes)
  return { root, blocks }
}

/**
 * A node whose every block read waits until the test lets it through (as a
 * fetch over the network would), counting reads in flight.
 */
function slowStore (blocks: Map<string, Uint8Array>): { helia: DagStore, inFlight: () => number, maxInFlight: () => number, release: () => void, reads: () => number } {
  let inFlight = 0
  let max = 0
  let reads = 0
  const waiting: Array<() => void> = []
  const helia = {
    blockstore: {
      get: async function * (cid: CID) {
        inFlight++
        reads++
        max = Math.max(max, inFlight)
        await new Promise<void>((resolve) => { waiting.push(resolve) })
        inFlight--
        const bytes = blocks.get(cid.toString())
        if (bytes === undefined) throw new Error(`no block ${cid.toString()}`)
        yield bytes
      }
    },
    getCodec: async (code: number) => {
      if (code !== dagPb.code) throw new Error(`no codec ${code}`)
      return dagPb
    },
    pins: { add: async function * () {} }
  } as unknown as DagStore
  return { helia, inFlight: () => inFlight, maxInFlight: () => max, reads: () => reads, release: () => { for (const go of waiting.splice(0)) go() } }
}

describe('backup: fetchAndPin keeps a bounded window of blocks in flight', () => {
  for (const blockConcurrency of [1, 3, DEFAULT_BLOCK_CONCURRENCY]) {
    it(`asks for at most ${blockConcurrency} blocks at once, keeps that many asked while more remain, and reads each block once`, async () => {
      const { root, blocks } = await makeDag(40, 1024)
      const store = slowStore(blocks)
      const done = fetchAndPin(store.helia, root, { signal: AbortSignal.timeout(10_000), blockConcurrency, stallMs: 10_000 })
      let settled = false
      void done.finally(() => { settled = true })
      const fullWindows: number[] = []
      while (!settled) {
        await new Promise((resolve) => setImmediate(resolve))
        fullWindows.push(store.inFlight())
        store.release()
      }
      const bytes = await done
      assert.ok(store.maxInFlight() <= blockConcurrency, `at most ${blockConcurrency} in flight, saw ${store.maxInFlight()}`)
      assert.equal(store.maxInFlight(), Math.min(blockConcurrency, 40))
      assert.equal(store.reads(), blocks.size)
      assert.equal(bytes, [...blocks.values()].reduce((sum, b) => sum + b.byteLength, 0))
      // Once the root is read, every round has a full window until fewer blocks than that remain.
      const leafRounds = fullWindows.slice(1, Math.floor(40 / blockConcurrency))
      assert.ok(leafRounds.every((n) => n === blockConcurrency), `windows: ${fullWindows.join(',')}`)
    })
  }
})
