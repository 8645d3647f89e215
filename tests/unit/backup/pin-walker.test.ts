import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { unixfs } from '@helia/unixfs'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { createNode, type CairnHelia } from '../../../core/node/create-node.ts'
import { linksOnlyWalker } from '../../../core/protocols/backup/pin-walker.ts'
import { pseudoRandomBytes } from '../../contract/block-fixtures.ts'
import { CID } from 'multiformats/cid'

const RAW = 0x55

/** A stopped node on memory stores holding a 3.5 MiB UnixFS file in raw leaves (as Cairn stores them); `reads`: the CIDs read since. */
async function nodeWithFile (): Promise<{ helia: CairnHelia, root: CID, reads: CID[] }> {
  const blockstore = new MemoryBlockstore()
  const reads: CID[] = []
  const get = blockstore.get.bind(blockstore)
  blockstore.get = (cid, options) => { reads.push(cid); return get(cid, options) }
  const helia = createNode({ agentName: 'cairn-test' }, { blockstore, datastore: new MemoryDatastore(), transports: [] })
  const root = await unixfs({ blockstore }).addBytes(pseudoRandomBytes(3.5 * 1024 * 1024, 7), { rawLeaves: true, cidVersion: 1 })
  reads.length = 0
  return { helia, root, reads }
}

async function pinned (helia: CairnHelia, root: CID, walker?: ReturnType<typeof linksOnlyWalker>): Promise<string[]> {
  const cids: string[] = []
  for await (const cid of helia.pins.add(root, { offline: true, ...(walker !== undefined ? { walker } : {}) } as Parameters<CairnHelia['pins']['add']>[1])) cids.push(cid.toString())
  return cids.sort()
}

describe('backup: the pin walk without raw leaves', () => {
  it('pins the blocks Helia\'s walk pins, reading no raw leaf, and Helia unpins them all again', async () => {
    const ours = await nodeWithFile()
    const helias = await nodeWithFile()
    const withOurs = await pinned(ours.helia, ours.root, linksOnlyWalker())
    assert.deepEqual(withOurs, await pinned(helias.helia, helias.root))
    assert.ok(withOurs.length >= 5, `${withOurs.length} blocks`)
    assert.ok(helias.reads.some((cid) => cid.code === RAW), 'Helia\'s walk reads the leaves')
    assert.deepEqual(ours.reads.filter((cid) => cid.code === RAW), [])
    for (const cid of withOurs) assert.equal(await ours.helia.pins.isPinned(CID.parse(cid)), true)
    // pins.rm walks with Helia's own walker: every count recorded by ours is taken back.
    for await (const cid of ours.helia.pins.rm(ours.root)) void cid
    for (const cid of withOurs) assert.equal(await ours.helia.pins.isPinned(CID.parse(cid)), false)
  })

  it('fails the pin when a raw leaf is not held, as Helia\'s offline read does', async () => {
    const { helia, root } = await nodeWithFile()
    const leaf = (await pinned(helia, root, linksOnlyWalker())).find((cid) => cid.startsWith('bafk'))
    assert.ok(leaf !== undefined)
    for await (const cid of helia.pins.rm(root)) void cid
    await helia.blockstore.delete(CID.parse(leaf))
    await assert.rejects(pinned(helia, root, linksOnlyWalker()), /not held/)
    // No pin recorded (Helia writes it after the walk).
    const pins = []
    for await (const pin of helia.pins.ls()) pins.push(pin)
    assert.deepEqual(pins, [])
  })
})
