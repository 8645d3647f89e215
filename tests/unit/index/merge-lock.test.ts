import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readBlock } from '../../../core/index/chain.ts'
import { entry } from './fixtures.ts'
import { replica, shown, T0 } from '../sync/support.ts'

/**
 * A merge fetches the other chain's blocks from a peer (a backup peer by
 * bitswap: up to the block timeout each). That wait must not hold the lock
 * this device's own edits take: an upload, a rename or a delete made while a
 * long chain trickles in from a slow (or hostile) peer finishes at once.
 */

describe('a merge that waits on its peer', () => {
  it('does not hold up this device\'s own edits, and both land', { timeout: 30_000 }, async () => {
    const b = await replica('devB')
    for (let i = 0; i < 3; i++) {
      b.clock.t = T0 + i * 1000
      await b.log.put(entry(i), `b/${i}.txt`)
    }
    const a = await replica('devA', { start: T0 + 60_000 })
    let edited!: () => void
    const editDone = new Promise<void>(resolve => { edited = resolve })
    // The peer sends nothing until this device's edit has finished: with the edit waiting on the merge, neither would.
    const merging = a.log.merge('devB', b.log.signedHeads().devB, async (cid) => {
      await editDone
      return await readBlock(b.blockstore, cid)
    })
    const mine = await a.log.put(entry(3), 'mine.txt')
    edited()
    const merged = await merging
    assert.equal(merged.toSeq, 3)
    assert.equal(a.log.getFile(mine.fileId)?.path, 'mine.txt')
    assert.deepEqual(a.log.listFiles().map(f => f.path).sort(), ['b/0.txt', 'b/1.txt', 'b/2.txt', 'mine.txt'])
  })

  it('two merges of one chain at once: the second finds it merged and changes nothing', async () => {
    const b = await replica('devB')
    await b.log.put(entry(1), 'b/one.txt')
    const a = await replica('devA', { start: T0 + 60_000 })
    const fetch = async (cid: Parameters<typeof readBlock>[1]): Promise<Uint8Array | undefined> => await readBlock(b.blockstore, cid)
    const [first, second] = await Promise.all([a.log.merge('devB', b.log.signedHeads().devB, fetch), a.log.merge('devB', b.log.signedHeads().devB, fetch)])
    assert.deepEqual([first.blocks + second.blocks, first.toSeq, second.toSeq], [1, 1, 1])
    assert.deepEqual(shown(a.log), shown(b.log))
  })
})
