import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { defaultBackupFactory } from '../../../relay-server/peer/backup-factory.ts'
import { createLogger } from '../../../relay-server/shared/log.ts'
import { startPeer, type RunningPeer } from '../../../relay-server/peer/start-peer.ts'
import { startNode, storeRandomFile, type TestNode } from '../backup/helpers.ts'
import { tempDir } from './support.ts'
import type { CairnHelia } from '../../../core/node/create-node.ts'
import type { CID } from 'multiformats/cid'

/** How long a refused fetch is given before it counts as "got nothing" (as in block-access.test.ts). */
const REFUSED_WAIT_MS = 2_000

/** A stranger dials `helia` and asks for `cid` over bitswap. */
async function strangerFetch (stranger: TestNode, helia: CairnHelia, cid: CID): Promise<Uint8Array> {
  const address = helia.libp2p.getMultiaddrs()[0]
  assert.ok(address !== undefined, 'the peer listens')
  await stranger.helia.libp2p.dial(address)
  return await readWholeBlock(stranger.helia.blockstore, cid, { signal: AbortSignal.timeout(REFUSED_WAIT_MS) })
}

test('a peer started without a backup service serves its blocks to nobody', async () => {
  const dir = await tempDir()
  const stranger = await startNode(new MemoryBlockstore())
  let peer: RunningPeer | undefined
  try {
    peer = await startPeer({ dataDir: dir.path, wsPort: 0, webrtcDirect: false }, { log: createLogger({ level: 'silent' }), backup: null })
    const file = await storeRandomFile(peer.helia.blockstore, 50_000)
    await assert.rejects(strangerFetch(stranger, peer.helia, file.root), 'a block of some vault stays on the peer')
  } finally {
    await stranger.helia.stop()
    await peer?.stop()
    await dir.cleanup()
  }
})

test('a stranger that speaks bitswap while the backup service is still starting is gated like any other', async () => {
  const dir = await tempDir()
  const stranger = await startNode(new MemoryBlockstore())
  let peer: RunningPeer | undefined
  try {
    peer = await startPeer({ dataDir: dir.path, wsPort: 0, webrtcDirect: false }, {
      log: createLogger({ level: 'silent' }),
      backup: (components, init) => {
        const host = defaultBackupFactory(components, init)
        return {
          ...host,
          // The node is up and listening; the service has not loaded its state yet.
          start: async () => {
            const file = await storeRandomFile(components.helia.blockstore, 50_000)
            await assert.rejects(strangerFetch(stranger, components.helia, file.root), 'not served before the service started')
            await host.start()
            await assert.rejects(readWholeBlock(stranger.helia.blockstore, file.root, { signal: AbortSignal.timeout(REFUSED_WAIT_MS) }), 'nor after')
          }
        }
      }
    })
  } finally {
    await stranger.helia.stop()
    await peer?.stop()
    await dir.cleanup()
  }
})
