import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { CID } from 'multiformats/cid'
import { readBlock } from '../../../core/index/chain.ts'
import { entry } from '../index/fixtures.ts'
import { pull, reopen, replica, type Replica } from './support.ts'
import type { IndexLog } from '../../../core/index/index-log.ts'

/** Every block `r` knows, read from its store, sorted. */
async function storedChain (r: Replica): Promise<string[]> {
  const out: string[] = []
  for (const cid of r.log.blockCids()) out.push(`${cid}:${Buffer.from(await readBlock(r.blockstore, CID.parse(cid)) as Uint8Array).toString('hex')}`)
  return out.sort()
}

/** What `log` would send a peer that knows `device`'s ops up to `afterSeq`, as `cid:hex`. */
async function served (log: IndexLog, device: string, afterSeq: number): Promise<string[]> {
  const head = log.heads().get(device)
  assert.ok(head !== undefined)
  return (await log.blocksAfter(device, head, afterSeq)).map(b => `${b.cid}:${Buffer.from(b.bytes).toString('hex')}`)
}

describe('IndexLog.blocksAfter (what a sync session sends)', () => {
  it('serves the same blocks, oldest first, from the device that wrote them, after a restart, and from a device that merged them', async () => {
    const a = await replica('devA')
    await a.log.put(entry(1), 'one.txt')
    await a.log.append([{ kind: 'put', fileId: 'f2', path: 'two.txt', entry: entry(2) }, { kind: 'put', fileId: 'f3', path: 'three.txt', entry: entry(3) }])
    await a.log.put(entry(4), 'four.txt')
    const b = await replica('devB')
    await pull(b, a)
    const restarted = await reopen(a)
    // Seqs 1 | 2–3 | 4: each afterSeq gives the blocks past it, whole blocks only.
    const expected = new Map([[0, 3], [1, 2], [2, 2], [3, 1], [4, 0]])
    const all = await served(a.log, 'devA', 0)
    assert.deepEqual([...all].sort(), await storedChain(a))
    for (const [afterSeq, count] of expected) {
      const fromWriter = await served(a.log, 'devA', afterSeq)
      assert.deepEqual(fromWriter, all.slice(all.length - count), `afterSeq ${afterSeq}`)
      assert.deepEqual(await served(restarted, 'devA', afterSeq), fromWriter)
      assert.deepEqual(await served(b.log, 'devA', afterSeq), fromWriter)
    }
  })
})
