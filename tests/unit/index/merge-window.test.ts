import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { CID } from 'multiformats/cid'
import { isCairnError } from '../../../core/errors.ts'
import { readBlock } from '../../../core/index/chain.ts'
import { headMacKey, signHead } from '../../../core/index/head-mac.ts'
import type { ChainHead } from '../../../core/index/chain.ts'
import { writeOps } from '../../../core/index/log-store.ts'
import { entry, key, op } from './fixtures.ts'
import { reopen, replica, shown, T0, type Replica } from '../sync/support.ts'

/**
 * A device that wrote a very long chain (or a hostile member serving one)
 * must not make every other device hold all of it in memory while the merge
 * checks it. Counted here as the blocks a merge has fetched and not yet put
 * in its own store: the only other place they can be is its memory.
 */

const BLOCKS = 80
/** A few blocks' worth (each of these blocks is a few hundred bytes). */
const WINDOW = 4 * 1024

/** devB, with one block per put, `count` of them. */
async function longChain (count: number): Promise<Replica> {
  const b = await replica('devB')
  for (let i = 0; i < count; i++) {
    b.clock.t = T0 + i * 1000
    await b.log.put(entry(i % 4), `notes/${i}.txt`)
  }
  return b
}

/** Watches what `to` has fetched and what it has stored, and the most it held between the two. */
function watchHeld (to: Replica): { fetched: (cid: CID) => void, most: () => number } {
  const outstanding = new Set<string>()
  let most = 0
  const put = to.blockstore.put.bind(to.blockstore)
  to.blockstore.put = async (cid, bytes, options) => {
    outstanding.delete(cid.toString())
    return await put(cid, bytes, options)
  }
  return {
    fetched: (cid) => {
      outstanding.add(cid.toString())
      most = Math.max(most, outstanding.size)
    },
    most: () => most
  }
}

async function mergeFrom (to: Replica, from: Replica, fetch: (cid: CID) => Promise<Uint8Array | undefined>): Promise<unknown> {
  return await to.log.merge(from.deviceId, from.log.signedHeads()[from.deviceId], fetch)
}

describe('merging a long chain holds a bounded window of it', () => {
  it('a chain many windows long is merged whole while at most a window of it is held', async () => {
    const b = await longChain(BLOCKS)
    const a = await replica('devA', { mergeWindowBytes: WINDOW, start: T0 + BLOCKS * 1000 })
    const held = watchHeld(a)
    await mergeFrom(a, b, async (cid) => {
      held.fetched(cid)
      return await readBlock(b.blockstore, cid)
    })
    assert.deepEqual(shown(a.log), shown(b.log), 'every file of the long chain is shown')
    assert.equal(a.log.heads().get('devB')?.seq, BLOCKS)
    assert.ok(held.most() <= 12, `held ${held.most()} of ${BLOCKS} fetched blocks at once; a window is a few`)
    assert.deepEqual(shown(await reopen(a)), shown(b.log), 'and all of it is there after a restart')
  })

  it('a long chain whose oldest block cannot be had is refused whole: nothing shown, no head, and a later merge takes it all', async () => {
    const b = await longChain(BLOCKS)
    const a = await replica('devA', { mergeWindowBytes: WINDOW, start: T0 + BLOCKS * 1000 })
    await a.log.put(entry(1), 'mine.txt')
    const before = shown(a.log)
    // The first block devB wrote: the last one a merge walks back to, many windows after the head.
    const chain = await b.log.blocksAfter('devB', b.log.heads().get('devB') as ChainHead, 0)
    const first = CID.parse((chain[0] as { cid: string }).cid)
    await assert.rejects(mergeFrom(a, b, async (cid) => cid.equals(first) ? undefined : await readBlock(b.blockstore, cid)), err => isCairnError(err, 'INDEX_CHAIN_BROKEN'))
    assert.deepEqual(shown(a.log), before, 'none of the refused chain is shown')
    assert.equal(a.log.heads().has('devB'), false)
    assert.deepEqual(shown(await reopen(a)), before, 'nor after a restart')
    await mergeFrom(a, b, async (cid) => await readBlock(b.blockstore, cid))
    assert.equal(a.log.heads().get('devB')?.seq, BLOCKS)
    assert.equal(a.log.listFiles().length, BLOCKS + 1)
  })

  it('a chain that goes back in time far from its head is still refused when checked in windows', async () => {
    const m = await replica('devM')
    const stores = { blockstore: m.blockstore, datastore: m.datastore }
    let head: ChainHead | undefined
    for (let i = 0; i < BLOCKS; i++) {
      // Block 5 is dated before block 4: far behind the head, many windows down the walk.
      const wall = i === 5 ? T0 + 3500 : T0 + i * 1000
      const written = await writeOps(stores, key(7), headMacKey(key(7)), 'devM', head, [op('put', `fileM${i}`, `m/${i}.txt`, { wall, counter: 0, device: 'devM' }, i + 1, 1)])
      head = written.head
    }
    const a = await replica('devA', { mergeWindowBytes: WINDOW, start: T0 + BLOCKS * 1000 })
    const signed = signHead(headMacKey(key(7)), 'devM', head as ChainHead)
    await assert.rejects(a.log.merge('devM', signed, async (cid) => await readBlock(m.blockstore, cid)), err => isCairnError(err, 'INDEX_CHAIN_BROKEN') && /back in time at op 6\b/.test((err as Error).message))
    assert.equal(a.log.heads().has('devM'), false)
    assert.deepEqual(a.log.listFiles(), [])
  })
})
