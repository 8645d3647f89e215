import { ManifestLog } from '../../../core/protocols/backup/manifest-log.ts'
import { sendPendingManifests } from '../../../core/protocols/backup/send-manifests.ts'
import { BlockServer, type ServedStore } from '../../../core/protocols/blocks/block-server.ts'
import { ANSWER_BLOCK, ANSWER_REFUSED, BLOCKS_PROTOCOL, clientStream, encodeRequest, readAnswer } from '../../../core/protocols/blocks/block-wire.ts'
import { addressOf, heldBlocks, mh, readBlock, waitFor, type StoredFile, type TestDevice, type TestNode, type TestPeer } from '../backup/helpers.ts'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** Shared set-up for the block exchange tests (not a test file itself). */

/** Serves the batched exchange on `device` to `peer` only, from `store` (the device's own blockstore unless given). */
export async function serveTo (device: TestDevice, peer: TestPeer, store?: ServedStore): Promise<BlockServer> {
  const ours = peer.helia.libp2p.peerId.toString()
  const server = new BlockServer({ libp2p: device.helia.libp2p, store: store ?? device.blockstore as ServedStore, mayServe: (id) => id === ours })
  await server.start()
  return server
}

/** `store` as served by a device that flips the first byte of `victim` each time it hands it out. */
export function lyingStore (store: ServedStore, victim: CID): ServedStore {
  return {
    has: async (cid) => await store.has(cid),
    get: async function * (cid, options) {
      for await (const piece of store.get(cid, options)) {
        if (!cid.equals(victim)) { yield piece; continue }
        const bad = piece.slice()
        bad[0] = (bad[0] as number) ^ 0xff
        yield bad
      }
    }
  }
}

/** Pairs `device` with `peer`, sends one manifest pinning `file`, and waits until the peer pinned it. */
export async function backUp (device: TestDevice, peer: TestPeer, file: StoredFile): Promise<void> {
  await device.client.pair(addressOf(peer), await peer.service.createPairingCode())
  const log = new ManifestLog({ datastore: device.datastore }, { peer: peer.helia.libp2p.peerId.toString(), device: device.helia.libp2p.peerId.toString(), snapshot: async () => ({ pin: [] }) })
  await log.start()
  await log.append({ pin: [file.root.toString()], unpin: [], heads: {}, sizes: { [file.root.toString()]: file.bytes } })
  await sendPendingManifests(device.client, addressOf(peer), log)
  await waitFor(async () => (await device.client.status(addressOf(peer))).pinned === 1, 30_000, 'the root pinned')
}

/** Every block of `file` is on the peer with the device's exact bytes. */
export async function sameBlocks (device: TestDevice, peer: TestPeer, file: StoredFile): Promise<boolean> {
  return await sameBlocksIn(device.blockstore, peer.blockstore, file)
}

/** Every block of `file` is in `copy` with the exact bytes it has in `original`. */
export async function sameBlocksIn (original: Blockstore, copy: Blockstore, file: StoredFile): Promise<boolean> {
  const held = await heldBlocks(copy)
  for (const cid of file.blocks) {
    if (!held.set.has(mh(cid))) return false
    if (!Buffer.from(await readBlock(copy, cid)).equals(Buffer.from(await readBlock(original, cid)))) return false
  }
  return true
}

/** What `to` answers `from` for each of `cids` (at most 256), asked in one request on a raw exchange stream. */
export async function askRaw (from: TestNode, to: TestNode, cids: CID[]): Promise<Array<'block' | 'dont-have' | 'refused'>> {
  const stream = await from.helia.libp2p.dialProtocol(addressOf(to), BLOCKS_PROTOCOL)
  const lp = clientStream(stream, 4)
  const answers: Array<'block' | 'dont-have' | 'refused'> = []
  // One at a time: the reader's buffer holds a few blocks, not the whole answer.
  for (const cid of cids) {
    await lp.write(encodeRequest([cid]))
    const answer = await readAnswer(lp, AbortSignal.timeout(10_000))
    answers.push(answer.tag === ANSWER_BLOCK ? 'block' : answer.tag === ANSWER_REFUSED ? 'refused' : 'dont-have')
  }
  await lp.write(encodeRequest([]))
  await stream.close().catch(() => {})
  return answers
}
