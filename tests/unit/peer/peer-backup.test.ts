import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { MemoryBlockstore } from 'blockstore-core'
import { CID } from 'multiformats/cid'
import { isCairnError } from '../../../core/errors.ts'
import type { AbortOptions } from '@libp2p/interface'
import type { BackupStatus } from '../../../relay-server/peer/backup-factory.ts'
import { controlRequest } from '../../../relay-server/peer/control-socket.ts'
import type { PeerStatus } from '../../../relay-server/peer/peer-status.ts'
import { createFsBlockstore } from '../../../relay-server/storage/fs-blockstore.ts'
import { SqliteDatastore } from '../../../relay-server/storage/sqlite-datastore.ts'
import { heldBlocks, indexWith, mh, startDevice, storeRandomFile, waitFor, type TestDevice } from '../backup/helpers.ts'
import { runCli, spawnPeer, tempDir, wsAddress } from './support.ts'

const CODE = /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/

async function peerStatus (dataDir: string): Promise<PeerStatus & { backup: BackupStatus }> {
  return await controlRequest(dataDir, 'status') as PeerStatus & { backup: BackupStatus }
}

/**
 * A device store that claims not to have its gated blocks until `release()`.
 * Bitswap then sends every other wanted block at once, so replication
 * stops part way with those blocks on the peer and the gated ones missing.
 */
class GatedBlockstore extends MemoryBlockstore {
  readonly gated = new Set<string>()
  private open = false

  release (): void { this.open = true }

  override async has (cid: CID, options?: AbortOptions): Promise<boolean> {
    if (!this.open && this.gated.has(cid.toString())) return false
    return await super.has(cid, options)
  }
}

async function stopAll (devices: Array<TestDevice | undefined>): Promise<void> {
  await Promise.all(devices.map(async (device) => { await device?.helia.stop() }))
}

describe('cairn-peer with its backup service', () => {
  it('pairs two vaults (the READY code and a `pair` code), replicates an encrypted file and reports it in status', async () => {
    const dir = await tempDir()
    let peer = await spawnPeer(dir.path)
    let devices: Array<TestDevice | undefined> = []
    try {
      const first = peer.ready.pairingCode
      assert.ok(first !== null && CODE.test(first), `READY carries a pairing code: ${String(first)}`)
      const paired = await runCli(['pair', '--json', '--data-dir', dir.path])
      assert.equal(paired.code, 0, paired.stderr)
      const second = (JSON.parse(paired.stdout) as { pairingCode: string }).pairingCode
      assert.ok(CODE.test(second) && second !== first)

      const address: Multiaddr = multiaddr(wsAddress(peer.ready))
      const [a, b, stranger] = await Promise.all([startDevice(), startDevice(), startDevice()])
      devices = [a, b, stranger]
      assert.deepEqual(await a.client.pair(address, first), { alreadyPaired: false })
      assert.deepEqual(await b.client.pair(address, second), { alreadyPaired: false })
      await assert.rejects(stranger.client.pair(address, first), (err: unknown) => isCairnError(err, 'PAIRING_REFUSED'), 'a code works once')

      const file = await storeRandomFile(a.blockstore, 3 * 1024 * 1024 + 5)
      const index = await indexWith(a, file)
      const roots = [file.root.toString(), ...index.blocks]
      await a.client.sendManifest(address, { device: a.helia.libp2p.peerId.toString(), seq: 1, pin: roots, unpin: [], heads: index.heads })
      await waitFor(async () => (await a.client.status(address)).pinned === roots.length, 20_000, 'the file and index pinned')

      const [status, human] = await Promise.all([runCli(['status', '--json', '--data-dir', dir.path]), runCli(['status', '--data-dir', dir.path])])
      assert.equal(status.code, 0, status.stderr)
      const parsed = JSON.parse(status.stdout) as PeerStatus & { backup: BackupStatus }
      assert.equal(parsed.backup.vaults.length, 2, 'fan-in: two vaults on one peer')
      const vaultA = parsed.backup.vaults.find((v) => v.vault === a.signer.vaultId)
      assert.ok(vaultA !== undefined)
      assert.equal(vaultA.pinned, roots.length)
      assert.equal(vaultA.pending, 0)
      assert.ok(vaultA.bytes >= file.bytes, `${vaultA.bytes} bytes held for ${file.bytes} bytes of file`)
      assert.ok(parsed.storage.bytes >= file.bytes)
      assert.match(human.stdout, /vaults: 2 paired/)
      assert.match(human.stdout, new RegExp(`${a.signer.vaultId.slice(0, 12)}….*pinned ${roots.length} .*pending 0 {2}failed 0`))

      // Restarted, it knows its vaults (no new code) and still holds the file.
      assert.equal(await peer.stop(), 0)
      peer = await spawnPeer(dir.path)
      assert.equal(peer.ready.pairingCode, null, 'no pairing code once a vault is paired')
      const again = multiaddr(wsAddress(peer.ready))
      const held = await a.client.holds(again, roots)
      assert.equal(held.size, roots.length)
      assert.equal((await a.client.verify(again, 1000)).bad.length, 0)
    } finally {
      await stopAll(devices)
      await peer.stop()
      await dir.cleanup()
    }
  })

  it('killed with -9 in the middle of replication, restarts and completes: nothing missing, nothing twice', async () => {
    const dir = await tempDir()
    let peer = await spawnPeer(dir.path)
    const store = new GatedBlockstore()
    let device: TestDevice | undefined
    try {
      device = await startDevice(undefined, store)
      const files = [await storeRandomFile(store, 6 * 1024 * 1024), await storeRandomFile(store, 2 * 1024 * 1024)]
      const index = await indexWith(device, files[0] as typeof files[0])
      for (const file of files) {
        const leaves = file.blocks.filter((cid) => cid.code === 0x55)
        for (const cid of leaves.slice(Math.floor(leaves.length / 2))) store.gated.add(cid.toString())
      }
      const roots = [...files.map((f) => f.root.toString()), ...index.blocks]
      const expected = new Set([...files.flatMap((f) => f.blocks.map(mh)), ...index.blocks.map((text) => mh(CID.parse(text)))])
      let address = multiaddr(wsAddress(peer.ready))
      await device.client.pair(address, peer.ready.pairingCode as string)
      await device.client.sendManifest(address, { device: device.helia.libp2p.peerId.toString(), seq: 1, pin: roots, unpin: [], heads: index.heads })

      // Some blocks land, then the fetch stalls on the held-back ones: kill it there.
      const landed = expected.size - store.gated.size
      await waitFor(async () => (await peerStatus(dir.path)).storage.blocks >= landed, 20_000, 'the ungated blocks to land').catch((err: Error) => {
        throw new Error(`${err.message}\n${peer.log()}`)
      })
      const before = await peerStatus(dir.path)
      assert.ok(before.storage.blocks < expected.size, 'replication is not finished when the peer dies')
      assert.ok((before.backup.vaults[0]?.pending ?? 0) > 0)
      await peer.kill9()
      store.release()

      peer = await spawnPeer(dir.path)
      address = multiaddr(wsAddress(peer.ready))
      await device.helia.libp2p.dial(address, { signal: AbortSignal.timeout(10_000) })
      await waitFor(async () => (await device?.client.status(address))?.pinned === roots.length, 60_000, 'every root pinned after the restart')
      const status = await device.client.status(address)
      assert.equal(status.pending, 0)
      assert.equal(status.failedCount, 0)
      const report = await device.client.verify(address, 1000)
      assert.deepEqual(report, { checked: expected.size, passed: expected.size, bad: [], roots: {}, repaired: [] }, 'every block re-read and re-hashed')
      assert.equal(await peer.stop(), 0)

      // On disk: exactly the DAGs' blocks, each once, and one pin per root.
      const blocks = await createFsBlockstore(join(dir.path, 'blocks'))
      const datastore = new SqliteDatastore({ path: join(dir.path, 'datastore', 'datastore.sqlite') })
      try {
        const held = await heldBlocks(blocks)
        assert.deepEqual(held.set, expected, 'none missing, none extra')
        assert.equal(held.count, expected.size)
        const sizes = [...files.flatMap((f) => [...f.sizes.values()])].reduce((sum, n) => sum + n, 0)
        assert.ok(blocks.stats().bytes >= sizes && blocks.stats().bytes < sizes + 10_000, 'live bytes: the files plus the small index block, once')
        await datastore.open()
        let pins = 0
        for await (const key of datastore.queryKeys({ prefix: '/pin/' })) { void key; pins++ }
        assert.equal(pins, roots.length, 'one pin per root')
      } finally {
        await blocks.stop()
        await datastore.close()
      }
    } finally {
      await device?.helia.stop()
      await peer.stop()
      await dir.cleanup()
    }
  })
})
