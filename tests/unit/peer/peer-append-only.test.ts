import assert from 'node:assert/strict'
import { test } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { isCairnError } from '../../../core/errors.ts'
import { startDevice, storeRandomFile, waitFor, type TestDevice } from '../backup/helpers.ts'
import { runCli, spawnPeer, tempDir, wsAddress } from './support.ts'

test('cairn-peer --append-only refuses a deletion in words, keeps the data and says so in status', async () => {
  const dir = await tempDir()
  const peer = await spawnPeer(dir.path, ['--append-only'])
  let device: TestDevice | undefined
  try {
    device = await startDevice()
    const at = multiaddr(wsAddress(peer.ready))
    const code = peer.ready.pairingCode
    assert.ok(code !== null)
    await device.client.pair(at, code)
    const file = await storeRandomFile(device.blockstore, 100_000)
    const root = file.root.toString()
    const id = device.helia.libp2p.peerId.toString()
    await device.client.sendManifest(at, { device: id, seq: 1, pin: [root], unpin: [] })
    const client = device.client
    await waitFor(async () => (await client.status(at)).pinned === 1, 15_000, 'the file pinned')

    await assert.rejects(client.sendManifest(at, { device: id, seq: 2, pin: [], unpin: [root] }),
      (err: unknown) => isCairnError(err, 'DELETION_REFUSED') && /append-only/.test((err as Error).message))
    const status = await client.status(at)
    assert.deepEqual([status.pinned, status.unpinning, status.appendOnly], [1, 0, true])
    assert.deepEqual(await client.holds(at, [root]), new Set([root]))

    const human = await runCli(['status', '--data-dir', dir.path])
    assert.equal(human.code, 0, human.stderr)
    assert.match(human.stdout, /deletions: refused \(append-only\)/)
  } finally {
    await device?.helia.stop()
    await peer.stop()
    await dir.cleanup()
  }
})
