import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { base64 } from 'multiformats/bases/base64'
import { peerBlockProof, withholdsFrom } from '../../../core/node/peer-block-proof.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import type { CID } from 'multiformats/cid'
import { addressOf, readBlock, startNode, storeRandomFile, waitFor, type TestNode } from '../backup/helpers.ts'
import type { Cleanups } from './share-test-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

async function node (): Promise<TestNode> {
  const started = await startNode()
  cleanups.push(async () => { await started.helia.stop() })
  return started
}

interface Ledger { wants: Map<string, { status: string }> }
interface BitswapParts { peerWantLists: { ledgerMap: { get: (peer: unknown) => Ledger | undefined }, blockstore: { has: (cid: CID) => Promise<boolean> } } }

function bitswapOf (n: TestNode): BitswapParts {
  const brokers = (n.helia as unknown as { blockBrokers: Array<{ name: string, bitswap?: BitswapParts }> }).blockBrokers
  const bitswap = brokers.find(b => b.name === 'bitswap')?.bitswap
  if (bitswap === undefined) throw new Error('no bitswap')
  return bitswap
}

describe('"Free up space" holding a block back from the peer it asks', () => {
  it('sends that peer the block it wanted meanwhile once the check is over (a device with a damaged copy opening the file)', { timeout: 90_000 }, async () => {
    const device = await node()
    const laptop = await node()
    await device.helia.libp2p.dial(addressOf(laptop))
    const laptopId = laptop.helia.libp2p.peerId
    const file = await storeRandomFile(device.blockstore, 200 * 1024)
    const cid = file.root
    // The laptop said it holds the file, but its copy lost this block; it is slow to answer the check (a busy disk).
    const serving = bitswapOf(laptop).peerWantLists.blockstore
    const has = serving.has.bind(serving)
    let answer = (): void => {}
    const answered = new Promise<void>(resolve => { answer = resolve })
    serving.has = async (c) => { await answered; return await has(c) }

    const check = peerBlockProof(device.helia)(laptopId.toString(), [cid.toString()])
    await waitFor(() => withholdsFrom(device.helia, laptopId.toString(), cid), 15_000, 'the check to start')
    // Meanwhile the laptop's user opens the file: the laptop asks the device for the block its copy lacks.
    const read = readWholeBlock(laptop.helia.blockstore, cid, { signal: AbortSignal.timeout(30_000) })
    const key = base64.baseEncode(cid.multihash.bytes) // the ledger's key: no multibase prefix
    await waitFor(() => bitswapOf(device).peerWantLists.ledgerMap.get(laptopId)?.wants.get(key)?.status === 'sent', 15_000, 'the device to take up the laptop\'s want')
    answer()
    assert.equal(await check, false, 'the laptop could not send the block back: not held')

    // The check is over: the laptop gets the block it asked for, from the device that has it.
    assert.deepEqual(Buffer.from(await read), Buffer.from(await readBlock(device.blockstore, cid)))
  })
})
