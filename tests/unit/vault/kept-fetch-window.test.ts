import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import type { Blockstore } from 'interface-blockstore'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { DEFAULT_BLOCK_CONCURRENCY } from '../../../core/protocols/backup/constants.ts'
import { fetchDag, KEPT_BLOCKS_IN_FLIGHT } from '../../../core/vault/kept-fetcher.ts'

const RAW_CODE = 0x55

/** One dag-pb root linking `leaves` distinct raw blocks. */
async function makeDag (leaves: number): Promise<{ root: CID, blocks: Map<string, Uint8Array> }> {
  const blocks = new Map<string, Uint8Array>()
  const links: dagPb.PBLink[] = []
  for (let i = 0; i < leaves; i++) {
    const bytes = Uint8Array.from([i >> 8, i & 0xff, 7])
    const cid = CID.createV1(RAW_CODE, await sha256.digest(bytes))
    blocks.set(cid.toString(), bytes)
    links.push({ Hash: cid, Tsize: bytes.byteLength })
  }
  const rootBytes = dagPb.encode({ Links: links })
  const root = CID.createV1(dagPb.code, await sha256.digest(rootBytes))
  blocks.set(root.toString(), rootBytes)
  return { root, blocks }
}

/** A store whose reads wait until the test lets them through, as fetches from a peer do. */
function slowStore (blocks: Map<string, Uint8Array>): { store: Blockstore, inFlight: () => number, max: () => number, reads: () => number, release: () => void } {
  let inFlight = 0
  let max = 0
  let reads = 0
  const waiting: Array<() => void> = []
  const store = {
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
  } as unknown as Blockstore
  return { store, inFlight: () => inFlight, max: () => max, reads: () => reads, release: () => { for (const go of waiting.splice(0)) go() } }
}

describe('kept files: fetching a file keeps a window of blocks in flight', () => {
  it('asks for as many blocks at once as the backup peer does', () => {
    assert.equal(KEPT_BLOCKS_IN_FLIGHT, DEFAULT_BLOCK_CONCURRENCY)
  })

  it(`keeps ${KEPT_BLOCKS_IN_FLIGHT} blocks asked while more remain, never more, and reads each block once`, async () => {
    const leaves = 3 * KEPT_BLOCKS_IN_FLIGHT + 5
    const { root, blocks } = await makeDag(leaves)
    const slow = slowStore(blocks)
    let settled = false
    const done = fetchDag(slow.store, root, AbortSignal.timeout(10_000)).finally(() => { settled = true })
    const windows: number[] = []
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve))
      windows.push(slow.inFlight())
      slow.release()
    }
    await done
    assert.equal(slow.max(), KEPT_BLOCKS_IN_FLIGHT)
    assert.equal(slow.reads(), blocks.size)
    // After the root, every round has a full window until fewer leaves than that remain.
    const full = windows.slice(1, Math.floor(leaves / KEPT_BLOCKS_IN_FLIGHT))
    assert.ok(full.every((n) => n === KEPT_BLOCKS_IN_FLIGHT), `windows: ${windows.join(',')}`)
  })
})
