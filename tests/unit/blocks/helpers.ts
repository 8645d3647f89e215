import { ManifestLog } from '../../../core/protocols/backup/manifest-log.ts'
import { sendPendingManifests } from '../../../core/protocols/backup/send-manifests.ts'
import { BlockServer, type ServedStore } from '../../../core/protocols/blocks/block-server.ts'
import { addressOf, heldBlocks, mh, readBlock, waitFor, type StoredFile, type TestDevice, type TestPeer } from '../backup/helpers.ts'

/** Shared set-up for the block exchange tests (not a test file itself). */

/** Serves the batched exchange on `device` to `peer` only, from `store` (the device's own blockstore unless given). */
export async function serveTo (device: TestDevice, peer: TestPeer, store?: ServedStore): Promise<BlockServer> {
  const ours = peer.helia.libp2p.peerId.toString()
  const server = new BlockServer({ libp2p: device.helia.libp2p, store: store ?? device.blockstore as ServedStore, mayServe: (id) => id === ours })
  await server.start()
  return server
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
  const held = await heldBlocks(peer.blockstore)
  for (const cid of file.blocks) {
    if (!held.set.has(mh(cid))) return false
    if (!Buffer.from(await readBlock(peer.blockstore, cid)).equals(Buffer.from(await readBlock(device.blockstore, cid)))) return false
  }
  return true
}
